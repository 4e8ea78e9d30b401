/* gcs-dbus-private.h: what the D-Bus streams, inbox and sink share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The wire protocol of the cross-process channel, interface
 * org.gchanstream.Inbox1 at the receiver's object path:
 *
 *   Open () -> (s item_type, u capacity, t sink_id)
 *   Push (t sink_id, s batch_type, y byte_order, ay batch) -> ()
 *   Close (t sink_id) -> ()
 *
 * A batch is an array GVariant: of a basic type when the item type is one
 * (ax for gint64 items, as for strings, ...), else av whose elements hold
 * a basic value (a number, a string, a boolean item) or a v (a GVariant
 * item). For a G_TYPE_VARIANT receiver, whose items are all GVariants,
 * the elements are the items themselves: an array of their type when
 * they share one (a(uus) for tuples of one kind), else av. It travels serialized, in GVariant's own format, as a byte array
 * (batch_type its type, byte_order 'l' or 'B' as in D-Bus): GDBus copies
 * a byte array in one go, where it would marshal an av element by element
 * (measured: most of the cost per item). The inbox reads it as untrusted
 * data.
 * Push replies once every item of the batch is queued in the receiver's
 * channel: a sink counts the items it sent and that are not yet replied to
 * as in flight, and never has more than the capacity in flight.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define GCS_DBUS_INBOX_INTERFACE "org.gchanstream.Inbox1"

GDBusInterfaceInfo *gcs_dbus_inbox_interface_info (void);
void                gcs_dbus_register_errors     (void);

/* The D-Bus signature character of the basic type that carries items of
 * @item_type, or 0 when there is none (objects, variants, G_TYPE_NONE). */
char      gcs_dbus_basic_type_for (GType          item_type);

/* @value as a GVariant (a new reference, not floating): a basic value for
 * numbers, strings and booleans, the variant wrapped in a v for a GVariant
 * item. TYPE for anything else. */
GVariant *gcs_dbus_value_to_variant (const GValue  *value,
                                     GError       **error);

/* The item carried by @content (an element of a batch, or a v's content)
 * into the uninitialized @dest, converted exactly to @item_type
 * (G_TYPE_NONE: its natural type; G_TYPE_VARIANT: as a GVariant). */
gboolean  gcs_dbus_variant_to_value (GVariant      *content,
                                     GType          item_type,
                                     GValue        *dest,
                                     GError       **error);

/* The byte order of serialized batches made here. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define GCS_DBUS_BYTE_ORDER 'l'
#else
# define GCS_DBUS_BYTE_ORDER 'B'
#endif

G_END_DECLS
