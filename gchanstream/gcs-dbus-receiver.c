/* gcs-dbus-receiver.c: an inbox exported on D-Bus, feeding an mpsc channel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gcs_dbus_receiver_new() makes an ordinary bounded channel, keeps its
 * sender in an Inbox exported at the object path, and returns the
 * receiver. Remote sinks (gcs-dbus-sink.c) Open the inbox, Push batches
 * and Close it. Method calls arrive in order on the inbox's context; they
 * are queued as Work and processed in order: a batch's items are sent into
 * the channel without waiting while there is room, and with one
 * gcs_sender_send_async() at a time when it is full, the calls behind it
 * waiting their turn. A Push is answered once its last item is queued,
 * which is what lets the sink send more: the channel's back-pressure
 * reaches the other process.
 *
 * The end: once every sink that opened the inbox has closed it, the
 * sender is closed and the receiver reports the end after the queued
 * items. A sink whose peer vanishes from the bus without closing (or a
 * connection that closes) fails the inbox: the items that arrived are
 * still delivered, then the channel ends and the error is kept for
 * gcs_dbus_receiver_propagate_error().
 *
 * Every piece of state is under the inbox's lock: the receiver's
 * finalization, which unexports the inbox, may come on any thread. Nothing
 * called under the lock calls back into the inbox synchronously.
 */

#include "config.h"

#include "gcs-channel.h"
#include "gcs-dbus-private.h"
#include "gcs-dbus-receiver.h"
#include "gcs-error.h"
#include "gcs-lock-private.h"
#include "gcs-sender-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-dbus-receiver
 * @title: Channels across processes
 * @short_description: an mpsc channel whose senders live in other processes
 *
 * gcs_dbus_receiver_new() exports an inbox on a #GDBusConnection and
 * returns an ordinary #GcsReceiver; gcs_dbus_sink_new() in another process
 * (or on another machine, through a bus listening on TCP) returns a
 * #GcsSink that sends into it. gcs_stream_forward_async() into such a sink
 * moves a pipeline across processes, with the receiver's capacity as
 * back-pressure: each item arrives once and in order, and never more than
 * the capacity is in flight between the two.
 *
 * |[<!-- language="C" -->
 * // the consumer
 * rx = gcs_dbus_receiver_new (connection, "/org/example/Inbox", G_TYPE_INT64, 1024, &error);
 * stream = gcs_receiver_stream_new (rx);
 * gcs_stream_for_each_async (stream, show_item, NULL, NULL, NULL, done_cb, NULL);
 *
 * // the producer, in another process
 * sink = gcs_dbus_sink_new (connection, "org.example.Consumer", "/org/example/Inbox");
 * gcs_stream_forward_async (items, sink, NULL, forwarded_cb, NULL);
 * ]|
 */

#define INBOX_KEY "gcs-dbus-inbox"

typedef enum
{
  WORK_PUSH,
  WORK_CLOSE,
  WORK_FAIL,
} WorkKind;

typedef struct
{
  WorkKind               kind;
  GDBusMethodInvocation *invocation;  /* PUSH, CLOSE */
  guint64                sink_id;
  GVariant              *batch;       /* PUSH: the array of items */
  gsize                  n_items;
  gsize                  next;        /* PUSH: the next item to send */
  GError                *error;       /* FAIL */
} Work;

typedef struct
{
  guint n_sinks;
  guint subscription_id;   /* NameOwnerChanged for it */
} Peer;

typedef struct
{
  gint             ref_count;   /* gcs_ref_*() */
  GcsMutex         lock;

  /* Set at creation */
  GDBusConnection *connection;
  GMainContext    *context;
  GType            item_type;
  guint            capacity;
  gboolean         on_bus;
  guint            registration_id;
  gulong           closed_handler;

  /* Under the lock */
  GcsSender       *sender;      /* NULL once ended */
  gboolean         gone;        /* the receiver was finalized */
  GError          *error;       /* why it ended, if not cleanly */
  GHashTable      *sinks;       /* guint64 * sink id -> char * peer ("" peer to peer) */
  GHashTable      *peers;       /* unique name -> Peer */
  guint64          next_sink_id;
  gboolean         had_sink;
  GQueue           work;        /* Work *, in arrival order */
  gboolean         sending;     /* a send_async is in flight for the head */
} Inbox;

static Inbox *
inbox_ref (Inbox *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

static void
work_free (Work *work)
{
  g_clear_object (&work->invocation);
  g_clear_pointer (&work->batch, g_variant_unref);
  g_clear_error (&work->error);
  g_free (work);
}

static void
inbox_unref (gpointer data)
{
  Inbox *self = data;

  if (!gcs_ref_dec (&self->ref_count))
    return;
  g_queue_clear_full (&self->work, (GDestroyNotify) work_free);
  g_clear_object (&self->sender);
  g_clear_error (&self->error);
  g_clear_pointer (&self->sinks, g_hash_table_unref);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->context, g_main_context_unref);
  gcs_mutex_clear (&self->lock);
  g_free (self);
}

/* Under the lock: no more items. With @error (taken), the end is a
 * failure: the receiver reports it after its queued items (try_recv,
 * recv_finish and a ReceiverStream fail with it), and
 * gcs_dbus_receiver_propagate_error() tells it afterwards. */
static void
inbox_end (Inbox  *self,
           GError *error)
{
  if (self->sender == NULL)
    {
      g_clear_error (&error);
      return;
    }
  if (error != NULL && self->error == NULL)
    self->error = g_steal_pointer (&error);
  g_clear_error (&error);
  if (self->error != NULL)
    gcs_sender_close_with_error (self->sender, self->error);
  else
    gcs_sender_close (self->sender);
  g_clear_object (&self->sender);
}

static void process (Inbox *self);

/* Under the lock: the head of the queue is done. */
static void
work_done (Inbox  *self,
           GError *error)
{
  Work *work = g_queue_pop_head (&self->work);

  if (work->invocation != NULL)
    {
      if (error != NULL)
        g_dbus_method_invocation_return_gerror (g_steal_pointer (&work->invocation), error);
      else
        g_dbus_method_invocation_return_value (g_steal_pointer (&work->invocation), NULL);
    }
  work_free (work);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Inbox *self = data;
  g_autoptr(GError) error = NULL;

  gcs_mutex_lock (&self->lock);
  self->sending = FALSE;
  if (!gcs_sender_send_finish (GCS_SENDER (source), result, &error) &&
      !g_queue_is_empty (&self->work))
    work_done (self, error);
  process (self);
  gcs_mutex_unlock (&self->lock);
  inbox_unref (self);
}

/* The batch a Push carries, deserialized (untrusted: GVariant checks it
 * as it reads); NULL unless it is an array. */
static GVariant *
batch_new (const char *type,
           guchar      order,
           GVariant   *data)
{
  g_autoptr(GBytes) bytes = NULL;
  GVariant *batch;

  if (!g_variant_type_string_is_valid (type) || type[0] != 'a' || (order != 'l' && order != 'B'))
    return NULL;
  bytes = g_variant_get_data_as_bytes (data);
  batch = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));
  if (order != GCS_DBUS_BYTE_ORDER)
    {
      GVariant *swapped = g_variant_byteswap (batch);

      g_variant_unref (batch);
      batch = swapped;
    }
  return batch;
}

/* Item @i of an array of a fixed-size basic type, without a GVariant per
 * item; FALSE for other arrays. */
static gboolean
batch_get_fixed (Work   *work,
                 gsize   i,
                 GValue *natural)
{
  const char *type = g_variant_get_type_string (work->batch);
  gsize n, size;
  gconstpointer elements;

  switch (type[1])
    {
    case 'b': size = 1; break;
    case 'y': size = 1; break;
    case 'n': case 'q': size = 2; break;
    case 'i': case 'u': size = 4; break;
    case 'x': case 't': case 'd': size = 8; break;
    default: return FALSE;
    }
  elements = g_variant_get_fixed_array (work->batch, &n, size);
  if (i >= n)
    return FALSE;
  switch (type[1])
    {
    case 'b': g_value_init (natural, G_TYPE_BOOLEAN); g_value_set_boolean (natural, ((const guint8 *) elements)[i] != 0); break;
    case 'y': g_value_init (natural, G_TYPE_UCHAR); g_value_set_uchar (natural, ((const guint8 *) elements)[i]); break;
    case 'n': g_value_init (natural, G_TYPE_INT); g_value_set_int (natural, ((const gint16 *) elements)[i]); break;
    case 'q': g_value_init (natural, G_TYPE_UINT); g_value_set_uint (natural, ((const guint16 *) elements)[i]); break;
    case 'i': g_value_init (natural, G_TYPE_INT); g_value_set_int (natural, ((const gint32 *) elements)[i]); break;
    case 'u': g_value_init (natural, G_TYPE_UINT); g_value_set_uint (natural, ((const guint32 *) elements)[i]); break;
    case 'x': g_value_init (natural, G_TYPE_INT64); g_value_set_int64 (natural, ((const gint64 *) elements)[i]); break;
    case 't': g_value_init (natural, G_TYPE_UINT64); g_value_set_uint64 (natural, ((const guint64 *) elements)[i]); break;
    case 'd': g_value_init (natural, G_TYPE_DOUBLE); g_value_set_double (natural, ((const double *) elements)[i]); break;
    default: return FALSE;
    }
  return TRUE;
}

/* Item @i of a batch, as the channel's item type. */
static gboolean
batch_get (Inbox     *self,
           Work      *work,
           gsize      i,
           GValue    *dest,
           GError   **error)
{
  g_autoptr(GVariant) child = NULL;
  GValue natural = G_VALUE_INIT;

  if (self->item_type != G_TYPE_VARIANT && batch_get_fixed (work, i, &natural))
    {
      gboolean ok;

      if (self->item_type == G_TYPE_NONE || G_VALUE_TYPE (&natural) == self->item_type)
        {
          *dest = natural;
          return TRUE;
        }
      ok = gcs_value_coerce (self->item_type, &natural, dest, error);
      g_value_unset (&natural);
      return ok;
    }
  child = g_variant_get_child_value (work->batch, i);
  if (self->item_type == G_TYPE_VARIANT)
    {
      /* Sinks send a GVariant receiver its items as they are. */
      g_value_init (dest, G_TYPE_VARIANT);
      if (g_variant_is_of_type (child, G_VARIANT_TYPE_VARIANT))
        g_value_take_variant (dest, g_variant_get_variant (child));
      else
        g_value_set_variant (dest, child);
      return TRUE;
    }

  if (g_variant_is_of_type (child, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) content = g_variant_get_variant (child);

      return gcs_dbus_variant_to_value (content, self->item_type, dest, error);
    }
  return gcs_dbus_variant_to_value (child, self->item_type, dest, error);
}

/* Under the lock, on the inbox's context: moves the queued batches into
 * the channel, in order, until the channel is full. */
static void
process (Inbox *self)
{
  Work *work;

  while (!self->sending && !self->gone && (work = g_queue_peek_head (&self->work)) != NULL)
    {
      switch (work->kind)
        {
        case WORK_PUSH:
          {
            g_autoptr(GError) error = NULL;

            if (self->sender == NULL)
              {
                g_set_error (&error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                             "The receiver has ended");
                work_done (self, error);
                break;
              }
            while (work->next < work->n_items)
              {
                g_auto(GValue) value = G_VALUE_INIT;

                if (!batch_get (self, work, work->next, &value, &error))
                  break;
                if (gcs_sender_try_send (self->sender, &value, &error))
                  {
                    work->next++;
                    continue;
                  }
                if (g_error_matches (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL))
                  {
                    g_clear_error (&error);
                    work->next++;
                    self->sending = TRUE;
                    g_main_context_push_thread_default (self->context);
                    gcs_sender_send_async (self->sender, &value, NULL, send_cb, inbox_ref (self));
                    g_main_context_pop_thread_default (self->context);
                    return;
                  }
                break;
              }
            work_done (self, error);
            break;
          }

        case WORK_CLOSE:
          {
            const char *peer = g_hash_table_lookup (self->sinks, &work->sink_id);
            Peer *p = peer != NULL && *peer != '\0' ? g_hash_table_lookup (self->peers, peer) : NULL;

            if (p != NULL && --p->n_sinks == 0)
              {
                if (p->subscription_id != 0)
                  g_dbus_connection_signal_unsubscribe (self->connection, p->subscription_id);
                g_hash_table_remove (self->peers, peer);
              }
            g_hash_table_remove (self->sinks, &work->sink_id);
            work_done (self, NULL);
            if (self->had_sink && g_hash_table_size (self->sinks) == 0)
              inbox_end (self, NULL);
            break;
          }

        case WORK_FAIL:
          inbox_end (self, g_steal_pointer (&work->error));
          work_done (self, NULL);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/* Under the lock: fail after what is queued so far. */
static void
inbox_fail (Inbox  *self,
            GError *error)
{
  Work *work = g_new0 (Work, 1);

  work->kind = WORK_FAIL;
  work->error = error;
  g_queue_push_tail (&self->work, work);
  process (self);
}

static void
name_owner_changed_cb (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         data)
{
  Inbox *self = data;
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (*new_owner != '\0')
    return;
  gcs_mutex_lock (&self->lock);
  if (g_hash_table_contains (self->peers, name))
    inbox_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                   "The sender %s vanished from the bus before closing its sink",
                                   name));
  gcs_mutex_unlock (&self->lock);
}

typedef struct
{
  Inbox *inbox;
  char  *peer;
} PeerCheck;

/* The peer may have gone before we subscribed: ask the bus, after it
 * processed our subscription. */
static void
name_has_owner_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  PeerCheck *check = data;
  Inbox *self = check->inbox;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = TRUE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      gcs_mutex_lock (&self->lock);
      if (g_hash_table_contains (self->peers, check->peer))
        inbox_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                       "The sender %s vanished from the bus before closing its sink",
                                       check->peer));
      gcs_mutex_unlock (&self->lock);
    }
  inbox_unref (self);
  g_free (check->peer);
  g_free (check);
}

/* Under the lock: watch @peer's presence on the bus. */
static void
watch_peer (Inbox      *self,
            const char *peer)
{
  Peer *p = g_hash_table_lookup (self->peers, peer);
  PeerCheck *check;

  if (p != NULL)
    {
      p->n_sinks++;
      return;
    }
  p = g_new0 (Peer, 1);
  p->n_sinks = 1;
  g_hash_table_insert (self->peers, g_strdup (peer), p);

  g_main_context_push_thread_default (self->context);
  p->subscription_id =
    g_dbus_connection_signal_subscribe (self->connection, "org.freedesktop.DBus",
                                        "org.freedesktop.DBus", "NameOwnerChanged",
                                        "/org/freedesktop/DBus", peer,
                                        G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed_cb,
                                        inbox_ref (self), inbox_unref);
  check = g_new0 (PeerCheck, 1);
  check->inbox = inbox_ref (self);
  check->peer = g_strdup (peer);
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", peer),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          name_has_owner_cb, check);
  g_main_context_pop_thread_default (self->context);
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               data)
{
  Inbox *self = data;
  const char *peer = sender != NULL ? sender : "";

  gcs_mutex_lock (&self->lock);
  if (self->gone)
    {
      g_dbus_method_invocation_return_error (invocation, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED,
                                             "The receiver is gone");
    }
  else if (g_str_equal (method_name, "Open"))
    {
      guint64 *id;

      if (self->sender == NULL || gcs_sender_is_closed (self->sender))
        {
          g_dbus_method_invocation_return_error (invocation, GCS_CHANNEL_ERROR,
                                                 GCS_CHANNEL_ERROR_CLOSED,
                                                 "The receiver is closed");
        }
      else
        {
          id = g_new (guint64, 1);
          *id = ++self->next_sink_id;
          g_hash_table_insert (self->sinks, id, g_strdup (peer));
          self->had_sink = TRUE;
          if (self->on_bus && *peer != '\0')
            watch_peer (self, peer);
          g_dbus_method_invocation_return_value (invocation,
                                                 g_variant_new ("(sut)", g_type_name (self->item_type),
                                                                self->capacity, *id));
        }
    }
  else
    {
      Work *work = g_new0 (Work, 1);
      const char *owner;

      if (g_str_equal (method_name, "Push"))
        {
          g_autoptr(GVariant) data = NULL;
          const char *type;
          guchar order;

          work->kind = WORK_PUSH;
          g_variant_get (parameters, "(t&sy@ay)", &work->sink_id, &type, &order, &data);
          work->batch = batch_new (type, order, data);
        }
      else
        {
          work->kind = WORK_CLOSE;
          g_variant_get (parameters, "(t)", &work->sink_id);
        }
      owner = g_hash_table_lookup (self->sinks, &work->sink_id);
      if (owner == NULL || !g_str_equal (owner, peer) ||
          (work->kind == WORK_PUSH && work->batch == NULL))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                 "No open sink %" G_GUINT64_FORMAT " of this peer, or not a batch",
                                                 work->sink_id);
          work_free (work);
        }
      else
        {
          work->invocation = invocation;   /* ours to answer */
          if (work->batch != NULL)
            work->n_items = g_variant_n_children (work->batch);
          g_queue_push_tail (&self->work, work);
          process (self);
        }
    }
  gcs_mutex_unlock (&self->lock);
}

static const GDBusInterfaceVTable inbox_vtable = { method_call_cb, NULL, NULL, { 0 } };

static gboolean
connection_closed_idle_cb (gpointer data)
{
  Inbox *self = data;

  gcs_mutex_lock (&self->lock);
  if (!self->gone)
    inbox_fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                   "The D-Bus connection of the receiver closed"));
  gcs_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

/* On the thread that made the connection: continue on the inbox's. */
static void
connection_closed_cb (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         data)
{
  Inbox *self = data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, connection_closed_idle_cb, inbox_ref (self), inbox_unref);
  g_source_set_static_name (source, "[gchanstream] D-Bus inbox: connection closed");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
closed_closure_notify (gpointer  data,
                       GClosure *closure)
{
  inbox_unref (data);
}

/* The receiver is finalized (any thread): unexport, let go. */
static void
inbox_shutdown (gpointer data)
{
  Inbox *self = data;
  g_autoptr(GcsSender) sender = NULL;
  g_autoptr(GHashTable) peers = NULL;
  GQueue work = G_QUEUE_INIT;
  GHashTableIter iter;
  Peer *p;

  gcs_mutex_lock (&self->lock);
  self->gone = TRUE;
  sender = g_steal_pointer (&self->sender);
  work = self->work;
  g_queue_init (&self->work);
  peers = g_steal_pointer (&self->peers);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gcs_mutex_unlock (&self->lock);

  g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_signal_handler_disconnect (self->connection, self->closed_handler);
  g_hash_table_iter_init (&iter, peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &p))
    if (p->subscription_id != 0)
      g_dbus_connection_signal_unsubscribe (self->connection, p->subscription_id);
  for (GList *l = work.head; l != NULL; l = l->next)
    {
      Work *w = l->data;

      if (w->invocation != NULL)
        g_dbus_method_invocation_return_error (g_steal_pointer (&w->invocation), GCS_CHANNEL_ERROR,
                                               GCS_CHANNEL_ERROR_CLOSED, "The receiver is gone");
    }
  g_queue_clear_full (&work, (GDestroyNotify) work_free);
  if (sender != NULL)
    gcs_sender_close (sender);
  inbox_unref (self);
}

/**
 * gcs_dbus_receiver_new:
 * @connection: a #GDBusConnection: to a message bus, or peer to peer
 * @object_path: where to export the inbox
 * @item_type: the #GType of the items; %G_TYPE_NONE for any
 * @capacity: how many items may be queued, and how many a sink may have
 *   in flight; at least 1
 * @error: return location for a #GError
 *
 * Exports an inbox at @object_path on @connection and returns the
 * receiving end of a bounded channel fed by it: an ordinary #GcsReceiver,
 * consumed with gcs_receiver_stream_new(), gcs_receiver_attach() or the
 * receive functions. Senders are sinks made with gcs_dbus_sink_new() in
 * other processes (or this one), on the other end of @connection or on the
 * same bus.
 *
 * Items cross D-Bus as #GVariant values: numbers, strings and booleans
 * convert exactly (to @item_type, as a channel converts sent values),
 * #GVariant items as themselves; with @item_type %G_TYPE_VARIANT every
 * item arrives as a #GVariant. Each item arrives once, in the order of its
 * sink; the channel's capacity holds back the remote producers.
 *
 * The receiver reports the end once sinks have opened the inbox and every
 * one of them is closed. When a sink's peer vanishes from the bus without
 * closing it (a producer that crashed), or when @connection closes, the
 * items that arrived are delivered and the receiver ends too:
 * gcs_dbus_receiver_propagate_error() then tells why, with a
 * %G_IO_ERROR_CONNECTION_CLOSED error. Closing the receiver makes the
 * sinks' next sends fail with %GCS_CHANNEL_ERROR_CLOSED. The inbox is
 * unexported when the receiver is finalized.
 *
 * The inbox answers on the thread-default #GMainContext of the caller,
 * which must be running for items to arrive.
 *
 * Returns: (transfer full): the receiver, or %NULL with @error set if
 *   @object_path cannot be exported (the inbox's interface is there already)
 */
GcsReceiver *
gcs_dbus_receiver_new (GDBusConnection  *connection,
                       const char       *object_path,
                       GType             item_type,
                       guint             capacity,
                       GError          **error)
{
  g_autoptr(GcsSender) tx = NULL;
  g_autoptr(GcsReceiver) rx = NULL;
  Inbox *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), NULL);
  g_return_val_if_fail (item_type != G_TYPE_INVALID, NULL);
  g_return_val_if_fail (capacity >= 1, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gcs_dbus_register_errors ();
  gcs_channel_new (item_type, capacity, &tx, &rx);

  self = g_new0 (Inbox, 1);
  gcs_ref_init (&self->ref_count);
  gcs_mutex_init (&self->lock);
  self->connection = g_object_ref (connection);
  self->context = g_main_context_ref_thread_default ();
  self->item_type = item_type;
  self->capacity = capacity;
  self->on_bus = g_dbus_connection_get_unique_name (connection) != NULL;
  self->sender = g_steal_pointer (&tx);
  self->sinks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->work);

  self->registration_id =
    g_dbus_connection_register_object (connection, object_path, gcs_dbus_inbox_interface_info (),
                                       &inbox_vtable, inbox_ref (self), inbox_unref, error);
  if (self->registration_id == 0)
    {
      inbox_unref (self);   /* the registration's */
      inbox_unref (self);
      return NULL;
    }
  self->closed_handler = g_signal_connect_data (connection, "closed", G_CALLBACK (connection_closed_cb),
                                                inbox_ref (self), closed_closure_notify, 0);
  if (g_dbus_connection_is_closed (connection))
    connection_closed_cb (connection, TRUE, NULL, self);
  g_object_set_data_full (G_OBJECT (rx), INBOX_KEY, self, inbox_shutdown);
  return g_steal_pointer (&rx);
}

/**
 * gcs_dbus_receiver_propagate_error:
 * @receiver: a #GcsReceiver made by gcs_dbus_receiver_new()
 * @error: return location for a #GError
 *
 * Tells whether the inbox of @receiver ended on a failure: a sink's peer
 * that vanished from the bus without closing, or a closed connection. The
 * receiver itself reports such a failure once, after the queued items, in
 * place of the end; this tells it again afterwards.
 *
 * Returns: %FALSE with @error set (%G_IO_ERROR_CONNECTION_CLOSED) if the
 *   inbox failed, %TRUE otherwise
 */
gboolean
gcs_dbus_receiver_propagate_error (GcsReceiver  *receiver,
                                   GError      **error)
{
  Inbox *self;
  GError *copy = NULL;

  g_return_val_if_fail (GCS_IS_RECEIVER (receiver), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self = g_object_get_data (G_OBJECT (receiver), INBOX_KEY);
  g_return_val_if_fail (self != NULL, FALSE);

  gcs_mutex_lock (&self->lock);
  if (self->error != NULL)
    copy = g_error_copy (self->error);
  gcs_mutex_unlock (&self->lock);
  if (copy == NULL)
    return TRUE;
  g_propagate_error (error, copy);
  return FALSE;
}
