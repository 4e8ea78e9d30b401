/* gcs-dbus-value.c: items to and from GVariant, the inbox protocol
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "gcs-dbus-private.h"
#include "gcs-error.h"
#include "gcs-value-private.h"

static const char inbox_xml[] =
  "<node>"
  "  <interface name='" GCS_DBUS_INBOX_INTERFACE "'>"
  "    <method name='Open'>"
  "      <arg type='s' name='item_type' direction='out'/>"
  "      <arg type='u' name='capacity' direction='out'/>"
  "      <arg type='t' name='sink_id' direction='out'/>"
  "    </method>"
  "    <method name='Push'>"
  "      <arg type='t' name='sink_id' direction='in'/>"
  "      <arg type='s' name='batch_type' direction='in'/>"
  "      <arg type='y' name='byte_order' direction='in'/>"
  "      <arg type='ay' name='batch' direction='in'/>"
  "    </method>"
  "    <method name='Close'>"
  "      <arg type='t' name='sink_id' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

GDBusInterfaceInfo *
gcs_dbus_inbox_interface_info (void)
{
  static GDBusInterfaceInfo *info = NULL;

  if (g_once_init_enter (&info))
    {
      g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (inbox_xml, NULL);
      GDBusInterfaceInfo *iface = g_dbus_interface_info_ref (node->interfaces[0]);

      g_dbus_interface_info_cache_build (iface);
      g_once_init_leave (&info, iface);
    }
  return info;
}

/* Channel errors keep their domain and code across the bus, with names a
 * peer that is not GDBus can read. */
void
gcs_dbus_register_errors (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      static const struct { GcsChannelError code; const char *name; } names[] = {
        { GCS_CHANNEL_ERROR_CLOSED, "org.gchanstream.Error.Closed" },
        { GCS_CHANNEL_ERROR_FULL, "org.gchanstream.Error.Full" },
        { GCS_CHANNEL_ERROR_EMPTY, "org.gchanstream.Error.Empty" },
        { GCS_CHANNEL_ERROR_LAGGED, "org.gchanstream.Error.Lagged" },
        { GCS_CHANNEL_ERROR_TYPE, "org.gchanstream.Error.Type" },
        { GCS_CHANNEL_ERROR_TIMEOUT, "org.gchanstream.Error.Timeout" },
      };

      for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
        g_dbus_error_register_error (GCS_CHANNEL_ERROR, names[i].code, names[i].name);
      g_once_init_leave (&registered, 1);
    }
}

char
gcs_dbus_basic_type_for (GType item_type)
{
  switch (G_TYPE_FUNDAMENTAL (item_type))
    {
    case G_TYPE_BOOLEAN: return 'b';
    case G_TYPE_CHAR:    return 'n';
    case G_TYPE_UCHAR:   return 'y';
    case G_TYPE_INT:     return 'i';
    case G_TYPE_UINT:    return 'u';
    case G_TYPE_LONG:    return 'x';
    case G_TYPE_ULONG:   return 't';
    case G_TYPE_INT64:   return 'x';
    case G_TYPE_UINT64:  return 't';
    case G_TYPE_ENUM:    return 'i';
    case G_TYPE_FLAGS:   return 'u';
    case G_TYPE_FLOAT:   return 'd';
    case G_TYPE_DOUBLE:  return 'd';
    case G_TYPE_STRING:  return 's';
    default:             return 0;
    }
}

static gboolean
set_type_error (const GValue  *value,
                GError       **error)
{
  g_autofree char *contents = g_strdup_value_contents (value);

  g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_TYPE,
               "Cannot send %s %s across D-Bus: only numbers, strings, booleans "
               "and GVariants convert exactly",
               g_type_name (G_VALUE_TYPE (value)), contents);
  return FALSE;
}

GVariant *
gcs_dbus_value_to_variant (const GValue  *value,
                           GError       **error)
{
  GVariant *variant = NULL;

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN: variant = g_variant_new_boolean (g_value_get_boolean (value)); break;
    case G_TYPE_CHAR:    variant = g_variant_new_int16 (g_value_get_schar (value)); break;
    case G_TYPE_UCHAR:   variant = g_variant_new_byte (g_value_get_uchar (value)); break;
    case G_TYPE_INT:     variant = g_variant_new_int32 (g_value_get_int (value)); break;
    case G_TYPE_UINT:    variant = g_variant_new_uint32 (g_value_get_uint (value)); break;
    case G_TYPE_LONG:    variant = g_variant_new_int64 (g_value_get_long (value)); break;
    case G_TYPE_ULONG:   variant = g_variant_new_uint64 (g_value_get_ulong (value)); break;
    case G_TYPE_INT64:   variant = g_variant_new_int64 (g_value_get_int64 (value)); break;
    case G_TYPE_UINT64:  variant = g_variant_new_uint64 (g_value_get_uint64 (value)); break;
    case G_TYPE_ENUM:    variant = g_variant_new_int32 (g_value_get_enum (value)); break;
    case G_TYPE_FLAGS:   variant = g_variant_new_uint32 (g_value_get_flags (value)); break;
    case G_TYPE_FLOAT:   variant = g_variant_new_double (g_value_get_float (value)); break;
    case G_TYPE_DOUBLE:  variant = g_variant_new_double (g_value_get_double (value)); break;
    case G_TYPE_STRING:
      {
        const char *s = g_value_get_string (value);

        /* D-Bus strings are valid UTF-8 and never NULL. */
        if (s == NULL || !g_utf8_validate (s, -1, NULL))
          {
            set_type_error (value, error);
            return NULL;
          }
        variant = g_variant_new_string (s);
        break;
      }
    case G_TYPE_VARIANT:
      if (g_value_get_variant (value) == NULL)
        {
          set_type_error (value, error);
          return NULL;
        }
      variant = g_variant_new_variant (g_value_get_variant (value));
      break;
    default:
      set_type_error (value, error);
      return NULL;
    }
  return g_variant_ref_sink (variant);
}

/* The natural GValue of a basic variant; FALSE for anything else. */
static gboolean
basic_to_value (GVariant *content,
                GValue   *dest)
{
  switch (g_variant_classify (content))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      g_value_init (dest, G_TYPE_BOOLEAN); g_value_set_boolean (dest, g_variant_get_boolean (content)); return TRUE;
    case G_VARIANT_CLASS_BYTE:
      g_value_init (dest, G_TYPE_UCHAR); g_value_set_uchar (dest, g_variant_get_byte (content)); return TRUE;
    case G_VARIANT_CLASS_INT16:
      g_value_init (dest, G_TYPE_INT); g_value_set_int (dest, g_variant_get_int16 (content)); return TRUE;
    case G_VARIANT_CLASS_UINT16:
      g_value_init (dest, G_TYPE_UINT); g_value_set_uint (dest, g_variant_get_uint16 (content)); return TRUE;
    case G_VARIANT_CLASS_INT32:
      g_value_init (dest, G_TYPE_INT); g_value_set_int (dest, g_variant_get_int32 (content)); return TRUE;
    case G_VARIANT_CLASS_UINT32:
      g_value_init (dest, G_TYPE_UINT); g_value_set_uint (dest, g_variant_get_uint32 (content)); return TRUE;
    case G_VARIANT_CLASS_HANDLE:
      g_value_init (dest, G_TYPE_INT); g_value_set_int (dest, g_variant_get_handle (content)); return TRUE;
    case G_VARIANT_CLASS_INT64:
      g_value_init (dest, G_TYPE_INT64); g_value_set_int64 (dest, g_variant_get_int64 (content)); return TRUE;
    case G_VARIANT_CLASS_UINT64:
      g_value_init (dest, G_TYPE_UINT64); g_value_set_uint64 (dest, g_variant_get_uint64 (content)); return TRUE;
    case G_VARIANT_CLASS_DOUBLE:
      g_value_init (dest, G_TYPE_DOUBLE); g_value_set_double (dest, g_variant_get_double (content)); return TRUE;
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      g_value_init (dest, G_TYPE_STRING); g_value_set_string (dest, g_variant_get_string (content, NULL)); return TRUE;
    default:
      return FALSE;
    }
}

gboolean
gcs_dbus_variant_to_value (GVariant  *content,
                           GType      item_type,
                           GValue    *dest,
                           GError   **error)
{
  g_auto(GValue) natural = G_VALUE_INIT;

  if (item_type == G_TYPE_VARIANT)
    {
      g_value_init (dest, G_TYPE_VARIANT);
      if (g_variant_is_of_type (content, G_VARIANT_TYPE_VARIANT))
        g_value_take_variant (dest, g_variant_get_variant (content));
      else
        g_value_set_variant (dest, content);
      return TRUE;
    }

  if (!basic_to_value (content, &natural))
    {
      g_value_init (&natural, G_TYPE_VARIANT);
      if (g_variant_is_of_type (content, G_VARIANT_TYPE_VARIANT))
        g_value_take_variant (&natural, g_variant_get_variant (content));
      else
        g_value_set_variant (&natural, content);
    }
  if (item_type == G_TYPE_NONE || G_VALUE_TYPE (&natural) == item_type)
    {
      *dest = natural;
      natural = (GValue) G_VALUE_INIT;
      return TRUE;
    }
  return gcs_value_coerce (item_type, &natural, dest, error);
}
