/* gcs-dbus-sink.c: sends items into a D-Bus inbox, in batches, with credit
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The sink opens the inbox (gcs-dbus-receiver.c) at once and learns its
 * item type and capacity. An item is in flight from the moment the sink
 * accepts it until the inbox answers the Push that carried it, that is
 * until it is queued in the receiver's channel. A send is accepted while
 * fewer than the capacity are in flight; otherwise it waits. Accepted
 * items are buffered and pushed as one batch when the buffer holds a
 * quarter of the capacity, when the window is full, or when the sink's
 * context has nothing better to do (an idle source), so a fast producer
 * sends few large calls and a slow one sends without delay.
 *
 * Everything runs on the thread-default context at creation: replies,
 * completions, the idle flush.
 */

#include "config.h"

#include "gcs-dbus-private.h"
#include "gcs-dbus-sink.h"
#include "gcs-error.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-dbus-sink
 * @title: GcsDBusSink
 * @short_description: a sink into a channel of another process
 *
 * A #GcsDBusSink sends items into the inbox a gcs_dbus_receiver_new()
 * receiver exported, over D-Bus: gcs_stream_forward_async() into it moves
 * a pipeline across processes, with the receiver's capacity as
 * back-pressure. Items travel in batches: a fast producer makes few D-Bus
 * calls. The #GcsDBusSink:in-flight property says how many items are on
 * their way; it never exceeds #GcsDBusSink:capacity.
 */

/**
 * GcsDBusSink:
 *
 * A #GcsSink that sends into the inbox of a gcs_dbus_receiver_new()
 * receiver, in another process or on another machine.
 */

/* The largest batch in bytes: D-Bus messages are limited (128 MiB on a
 * session bus, 32 MiB on the system bus) and large ones are slow to copy. */
#define MAX_BATCH_BYTES (1024 * 1024)
#define MAX_BATCH_ITEMS 8192

typedef enum
{
  STATE_OPENING,
  STATE_OPEN,
  STATE_CLOSING,
  STATE_CLOSED,
  STATE_FAILED,
} SinkState;

typedef struct
{
  GTask  *task;
  GValue  value;
  gulong  cancel_handler;
} WaitingSend;

struct _GcsDBusSink
{
  GObject          parent_instance;

  GDBusConnection *connection;
  char            *bus_name;
  char            *object_path;
  GMainContext    *context;

  SinkState        state;
  gboolean         close_requested;  /* while opening */
  gboolean         close_sent;
  guint64          sink_id;
  guint            capacity;         /* 0 until open */
  GType            item_type;        /* G_TYPE_INVALID until open, or unknown here */
  char             element_type;     /* the basic type of a batch's items; 0: v */
  guint            batch_items;

  GPtrArray       *buffer;           /* GVariant * elements not pushed yet */
  gsize            buffer_bytes;
  GByteArray      *raw;              /* or, for fixed-size basic items, their bytes */
  guint            fixed_size;       /* the size of one there; 0: not fixed */
  guint            n_raw;
  guint            in_flight;        /* buffered + pushed without answer */
  guint            pushes;           /* Push calls without answer */
  GQueue           waiting;          /* WaitingSend * */
  GQueue           closing;          /* GTask * */
  GError          *error;
  GSource         *flush_source;
};

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_BUS_NAME,
  PROP_OBJECT_PATH,
  PROP_CAPACITY,
  PROP_IN_FLIGHT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void gcs_dbus_sink_sink_init (GcsSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsDBusSink, gcs_dbus_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_SINK, gcs_dbus_sink_sink_init))

static void pump (GcsDBusSink *self);

/* How many items wait in the buffer. */
static inline guint
buffered (GcsDBusSink *self)
{
  return self->fixed_size != 0 ? self->n_raw : self->buffer->len;
}

/* The element of a batch for @value, or NULL with TYPE. */
static GVariant *
convert (GcsDBusSink   *self,
         const GValue  *value,
         GError       **error)
{
  g_auto(GValue) coerced = G_VALUE_INIT;
  g_autoptr(GVariant) content = NULL;

  if (self->item_type != G_TYPE_INVALID && self->item_type != G_TYPE_NONE &&
      self->item_type != G_TYPE_VARIANT && G_VALUE_TYPE (value) != self->item_type)
    {
      if (!gcs_value_coerce (self->item_type, value, &coerced, error))
        return NULL;
      value = &coerced;
    }
  /* A GVariant receiver takes every item as a GVariant: a GVariant item
   * goes as it is, without the v that tells it from a basic item. */
  if (self->item_type == G_TYPE_VARIANT && G_VALUE_HOLDS_VARIANT (value) &&
      g_value_get_variant (value) != NULL)
    content = g_variant_ref (g_value_get_variant (value));
  else
    content = gcs_dbus_value_to_variant (value, error);
  if (content == NULL)
    return NULL;
  /* A GVariant receiver's items are buffered as they are: take_batch()
   * wraps them only if they differ in type. */
  if (self->element_type != 0 || self->item_type == G_TYPE_VARIANT)
    return g_steal_pointer (&content);
  return g_variant_ref_sink (g_variant_new_variant (content));
}

/* The buffered items as one array (a new reference); empties the buffer.
 * The items of a GVariant receiver that share a type (the tuples of one
 * record type, say) go as an array of that type, cheaper to build and to
 * read than an av; others are wrapped in v. */
static GVariant *
take_batch (GcsDBusSink *self)
{
  GVariant **items = (GVariant **) self->buffer->pdata;
  guint n = self->buffer->len;
  char element_type[2] = { self->element_type != 0 ? self->element_type : 'v', 0 };
  char array_type[3] = { 'a', element_type[0], 0 };
  GVariant *batch;

  if (self->fixed_size != 0)
    {
      g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->raw));

      self->raw = g_byte_array_new ();
      self->n_raw = 0;
      self->buffer_bytes = 0;
      return g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (array_type), bytes, TRUE));
    }
  if (self->element_type == 0 && self->item_type == G_TYPE_VARIANT)
    {
      const GVariantType *type = g_variant_get_type (items[0]);
      gboolean same = !g_variant_type_equal (type, G_VARIANT_TYPE_VARIANT);

      for (guint i = 1; same && i < n; i++)
        same = g_variant_type_equal (type, g_variant_get_type (items[i]));
      if (same)
        batch = g_variant_new_array (type, items, n);
      else
        {
          g_autofree GVariant **wrapped = g_new (GVariant *, n);

          for (guint i = 0; i < n; i++)
            wrapped[i] = g_variant_new_variant (items[i]);
          batch = g_variant_new_array (G_VARIANT_TYPE_VARIANT, wrapped, n);
        }
    }
  else
    batch = g_variant_new_array (G_VARIANT_TYPE (element_type), items, n);
  g_ptr_array_set_size (self->buffer, 0);
  self->buffer_bytes = 0;
  return g_variant_ref_sink (batch);
}

static void
set_closed_error (GError **error)
{
  g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_CLOSED, "The D-Bus sink is closed");
}

/* The sink fails: every waiting call fails with @error (taken). */
static void
fail (GcsDBusSink *self,
      GError      *error)
{
  WaitingSend *w;
  GTask *task;

  if (self->state == STATE_FAILED)
    {
      g_error_free (error);
      return;
    }
  g_dbus_error_strip_remote_error (error);
  self->state = STATE_FAILED;
  self->error = error;
  self->in_flight -= buffered (self);
  g_ptr_array_set_size (self->buffer, 0);
  g_byte_array_set_size (self->raw, 0);
  self->n_raw = 0;
  self->buffer_bytes = 0;
  while ((w = g_queue_pop_head (&self->waiting)) != NULL)
    {
      if (w->cancel_handler != 0)
        g_signal_handler_disconnect (g_task_get_cancellable (w->task), w->cancel_handler);
      g_task_return_error (w->task, g_error_copy (error));
      g_object_unref (w->task);
      g_value_unset (&w->value);
      g_free (w);
    }
  while ((task = g_queue_pop_head (&self->closing)) != NULL)
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
}

typedef struct
{
  GcsDBusSink *sink;
  guint        n_items;
} PushData;

static void
push_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  PushData *push = data;
  GcsDBusSink *self = push->sink;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  self->pushes--;
  self->in_flight -= push->n_items;
  if (reply == NULL)
    fail (self, error);
  pump (self);
  g_object_unref (self);
  g_free (push);
}

/* The parameters of a Push of @batch: serialized, as bytes. */
static GVariant *
push_parameters (GcsDBusSink *self,
                 GVariant    *batch)
{
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (batch);
  GVariant *data = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);

  return g_variant_new ("(tsy@ay)", self->sink_id, g_variant_get_type_string (batch),
                        (guchar) GCS_DBUS_BYTE_ORDER, data);
}

/* Sends what is buffered as one Push. */
static void
flush (GcsDBusSink *self)
{
  PushData *push;
  GVariant *batch;

  if (buffered (self) == 0 || self->state == STATE_FAILED)
    return;
  push = g_new0 (PushData, 1);
  push->sink = g_object_ref (self);
  push->n_items = buffered (self);
  batch = take_batch (self);
  self->pushes++;

  g_main_context_push_thread_default (self->context);
  /* No timeout: a stalled consumer may keep the answer for long; a
   * vanished one makes the call fail. */
  g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                          GCS_DBUS_INBOX_INTERFACE, "Push", push_parameters (self, batch),
                          G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, push_cb, push);
  g_main_context_pop_thread_default (self->context);
  g_variant_unref (batch);
}

static gboolean
flush_idle_cb (gpointer data)
{
  GcsDBusSink *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

/* One more item is buffered: it is in flight from now on. Flushes or
 * schedules a flush. */
static void
appended (GcsDBusSink *self)
{
  self->in_flight++;

  if (buffered (self) >= self->batch_items || self->buffer_bytes >= MAX_BATCH_BYTES ||
      self->in_flight >= self->capacity || self->state == STATE_CLOSING)
    flush (self);
  else if (self->flush_source == NULL)
    {
      /* The idle holds the sink: no item buffered is dropped by its
       * finalization. */
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_callback (self->flush_source, flush_idle_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (self->flush_source, "[gchanstream] D-Bus sink flush");
      g_source_attach (self->flush_source, self->context);
    }
}

/* Fixed-size basic items: their bytes, as GVariant serializes an array of
 * them, without a GVariant each. */
static void
append_raw (GcsDBusSink  *self,
            const GValue *value)
{
  union { guint8 b; gint16 n; gint32 i; guint32 u; gint64 x; guint64 t; double d; } v;

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value)))
    {
    case G_TYPE_BOOLEAN: v.b = g_value_get_boolean (value) ? 1 : 0; break;
    case G_TYPE_CHAR:    v.n = g_value_get_schar (value); break;
    case G_TYPE_UCHAR:   v.b = g_value_get_uchar (value); break;
    case G_TYPE_INT:     v.i = g_value_get_int (value); break;
    case G_TYPE_ENUM:    v.i = g_value_get_enum (value); break;
    case G_TYPE_UINT:    v.u = g_value_get_uint (value); break;
    case G_TYPE_FLAGS:   v.u = g_value_get_flags (value); break;
    case G_TYPE_LONG:    v.x = g_value_get_long (value); break;
    case G_TYPE_INT64:   v.x = g_value_get_int64 (value); break;
    case G_TYPE_ULONG:   v.t = g_value_get_ulong (value); break;
    case G_TYPE_UINT64:  v.t = g_value_get_uint64 (value); break;
    case G_TYPE_FLOAT:   v.d = g_value_get_float (value); break;
    case G_TYPE_DOUBLE:  v.d = g_value_get_double (value); break;
    default:             g_assert_not_reached ();
    }
  g_byte_array_append (self->raw, (const guint8 *) &v, self->fixed_size);
  self->n_raw++;
  self->buffer_bytes += self->fixed_size;
  appended (self);
}

/* Takes @value, converted exactly for the receiver, into the buffer; TYPE
 * when it does not convert. */
static gboolean
accept (GcsDBusSink   *self,
        const GValue  *value,
        GError       **error)
{
  GVariant *element;

  if (self->fixed_size != 0)
    {
      g_auto(GValue) coerced = G_VALUE_INIT;

      if (G_VALUE_TYPE (value) != self->item_type)
        {
          if (!gcs_value_coerce (self->item_type, value, &coerced, error))
            return FALSE;
          value = &coerced;
        }
      append_raw (self, value);
      return TRUE;
    }
  element = convert (self, value, error);
  if (element == NULL)
    return FALSE;
  g_ptr_array_add (self->buffer, element);
  self->buffer_bytes += g_variant_get_size (element);
  appended (self);
  return TRUE;
}

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(GcsDBusSink) self = data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  GTask *task;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      fail (self, error);
      return;
    }
  if (self->state != STATE_FAILED)
    self->state = STATE_CLOSED;
  while ((task = g_queue_pop_head (&self->closing)) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
waiting_send_complete (GcsDBusSink *self,
                       WaitingSend *w,
                       GError      *error)
{
  if (w->cancel_handler != 0)
    g_signal_handler_disconnect (g_task_get_cancellable (w->task), w->cancel_handler);
  if (error != NULL)
    g_task_return_error (w->task, error);
  else
    g_task_return_boolean (w->task, TRUE);
  g_object_unref (w->task);
  g_value_unset (&w->value);
  g_free (w);
}

/* Admits waiting sends while there is room; at a close, pushes the rest
 * and closes once everything is answered. */
static void
pump (GcsDBusSink *self)
{
  WaitingSend *w;

  if (self->state != STATE_OPEN && self->state != STATE_CLOSING)
    return;
  while (self->in_flight < self->capacity && (w = g_queue_pop_head (&self->waiting)) != NULL)
    {
      GError *error = NULL;

      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (w->task), &error))
        {
          waiting_send_complete (self, w, error);
          continue;
        }
      accept (self, &w->value, &error);
      waiting_send_complete (self, w, error);
    }
  if (self->state == STATE_CLOSING && g_queue_is_empty (&self->waiting))
    {
      flush (self);
      if (self->in_flight == 0 && self->pushes == 0 && !self->close_sent && self->state == STATE_CLOSING)
        {
          self->close_sent = TRUE;
          g_main_context_push_thread_default (self->context);
          g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                                  GCS_DBUS_INBOX_INTERFACE, "Close",
                                  g_variant_new ("(t)", self->sink_id), G_VARIANT_TYPE_UNIT,
                                  G_DBUS_CALL_FLAGS_NONE, G_MAXINT, NULL, close_cb,
                                  g_object_ref (self));
          g_main_context_pop_thread_default (self->context);
        }
    }
}

static void
open_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GcsDBusSink) self = data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  const char *type_name;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      fail (self, error);
      return;
    }
  g_variant_get (reply, "(&sut)", &type_name, &self->capacity, &self->sink_id);
  if (self->capacity == 0)
    self->capacity = 1;
  /* A type this process does not know (an enum of the consumer's, say):
   * items go as they are, and the receiver converts them. */
  self->item_type = g_type_from_name (type_name);
  self->element_type = gcs_dbus_basic_type_for (self->item_type);
  switch (self->element_type)
    {
    case 'b': case 'y': self->fixed_size = 1; break;
    case 'n': self->fixed_size = 2; break;
    case 'i': case 'u': self->fixed_size = 4; break;
    case 'x': case 't': case 'd': self->fixed_size = 8; break;
    default: self->fixed_size = 0; break;
    }
  self->batch_items = CLAMP (self->capacity / 4, 1, MAX_BATCH_ITEMS);
  self->state = self->close_requested ? STATE_CLOSING : STATE_OPEN;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
  pump (self);
}

static void
gcs_dbus_sink_constructed (GObject *object)
{
  GcsDBusSink *self = GCS_DBUS_SINK (object);

  G_OBJECT_CLASS (gcs_dbus_sink_parent_class)->constructed (object);

  gcs_dbus_register_errors ();
  self->context = g_main_context_ref_thread_default ();
  g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                          GCS_DBUS_INBOX_INTERFACE, "Open", NULL, G_VARIANT_TYPE ("(sut)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, open_cb, g_object_ref (self));
}

static void
gcs_dbus_sink_dispose (GObject *object)
{
  GcsDBusSink *self = GCS_DBUS_SINK (object);

  /* Dropped without a close: what is buffered goes, then a close, with no
   * answer awaited (as a channel's sender closes when finalized). */
  if (self->state == STATE_OPEN || (self->state == STATE_CLOSING && !self->close_sent))
    {
      if (buffered (self) > 0)
        {
          g_autoptr(GVariant) batch = take_batch (self);

          g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                                  GCS_DBUS_INBOX_INTERFACE, "Push", push_parameters (self, batch),
                                  NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
        }
      g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                              GCS_DBUS_INBOX_INTERFACE, "Close", g_variant_new ("(t)", self->sink_id),
                              NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
      self->state = STATE_CLOSED;
    }
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  G_OBJECT_CLASS (gcs_dbus_sink_parent_class)->dispose (object);
}

static void
gcs_dbus_sink_finalize (GObject *object)
{
  GcsDBusSink *self = GCS_DBUS_SINK (object);

  g_ptr_array_unref (self->buffer);
  g_byte_array_unref (self->raw);
  g_clear_error (&self->error);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->bus_name);
  g_free (self->object_path);

  G_OBJECT_CLASS (gcs_dbus_sink_parent_class)->finalize (object);
}

static void
gcs_dbus_sink_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GcsDBusSink *self = GCS_DBUS_SINK (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_BUS_NAME:
      g_value_set_string (value, self->bus_name);
      break;
    case PROP_OBJECT_PATH:
      g_value_set_string (value, self->object_path);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    case PROP_IN_FLIGHT:
      g_value_set_uint (value, self->in_flight);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_dbus_sink_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  GcsDBusSink *self = GCS_DBUS_SINK (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    case PROP_BUS_NAME:
      self->bus_name = g_value_dup_string (value);
      break;
    case PROP_OBJECT_PATH:
      self->object_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gcs_dbus_sink_class_init (GcsDBusSinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = gcs_dbus_sink_constructed;
  object_class->dispose = gcs_dbus_sink_dispose;
  object_class->finalize = gcs_dbus_sink_finalize;
  object_class->get_property = gcs_dbus_sink_get_property;
  object_class->set_property = gcs_dbus_sink_set_property;

  /**
   * GcsDBusSink:connection:
   *
   * The connection the inbox is reached through.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", "Connection", "The connection the inbox is reached through",
                         G_TYPE_DBUS_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * GcsDBusSink:bus-name:
   *
   * The bus name of the receiver's process; %NULL on a peer-to-peer
   * connection.
   */
  properties[PROP_BUS_NAME] =
    g_param_spec_string ("bus-name", "Bus name", "The bus name of the receiver's process",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * GcsDBusSink:object-path:
   *
   * The path of the inbox.
   */
  properties[PROP_OBJECT_PATH] =
    g_param_spec_string ("object-path", "Object path", "The path of the inbox",
                         NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * GcsDBusSink:capacity:
   *
   * The receiver's capacity: how many items may be in flight at most; 0
   * until the inbox answered.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", "Capacity", "How many items may be in flight at most",
                       0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * GcsDBusSink:in-flight:
   *
   * How many items the sink accepted that are not yet queued in the
   * receiver's channel: never more than #GcsDBusSink:capacity. Not
   * notified.
   */
  properties[PROP_IN_FLIGHT] =
    g_param_spec_uint ("in-flight", "In flight", "Items accepted and not yet queued at the receiver",
                       0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gcs_dbus_sink_init (GcsDBusSink *self)
{
  self->buffer = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  self->raw = g_byte_array_new ();
  g_queue_init (&self->waiting);
  g_queue_init (&self->closing);
}

/* GcsSink */

static gboolean
check_cancelled_idle_cb (gpointer data)
{
  GcsDBusSink *self = data;

  for (GList *l = self->waiting.head; l != NULL;)
    {
      WaitingSend *w = l->data;
      GList *next = l->next;

      if (g_cancellable_is_cancelled (g_task_get_cancellable (w->task)))
        {
          GError *error = NULL;

          g_queue_delete_link (&self->waiting, l);
          g_cancellable_set_error_if_cancelled (g_task_get_cancellable (w->task), &error);
          waiting_send_complete (self, w, error);
        }
      l = next;
    }
  /* Sends behind a cancelled one may fit now. */
  pump (self);
  return G_SOURCE_REMOVE;
}

/* On the cancelling thread, maybe inside g_cancellable_connect(): never
 * complete anything here, only schedule the check on the sink's context. */
static void
send_cancelled_cb (GCancellable *cancellable,
                   gpointer      data)
{
  GcsDBusSink *self = data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, check_cancelled_idle_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[gchanstream] D-Bus sink: send cancelled");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
gcs_dbus_sink_send_async (GcsSink             *sink,
                          const GValue        *value,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GcsDBusSink *self = GCS_DBUS_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;
  WaitingSend *w;

  g_task_set_source_tag (task, gcs_dbus_sink_send_async);
  if (self->state == STATE_FAILED)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }
  if (self->state == STATE_CLOSING || self->state == STATE_CLOSED || self->close_requested)
    {
      set_closed_error (&error);
      g_task_return_error (task, error);
      return;
    }
  if (self->state == STATE_OPEN && g_queue_is_empty (&self->waiting) && self->in_flight < self->capacity)
    {
      if (!accept (self, value, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  w = g_new0 (WaitingSend, 1);
  w->task = g_steal_pointer (&task);
  g_value_init (&w->value, G_VALUE_TYPE (value));
  g_value_copy (value, &w->value);
  g_queue_push_tail (&self->waiting, w);
  if (cancellable != NULL)
    w->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (send_cancelled_cb), self, NULL);
}

static gboolean
gcs_dbus_sink_send_finish (GcsSink       *sink,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
gcs_dbus_sink_close_async (GcsSink             *sink,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GcsDBusSink *self = GCS_DBUS_SINK (sink);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, gcs_dbus_sink_close_async);
  switch (self->state)
    {
    case STATE_FAILED:
      g_task_return_error (task, g_error_copy (self->error));
      return;
    case STATE_CLOSED:
      g_task_return_boolean (task, TRUE);
      return;
    case STATE_OPENING:
      self->close_requested = TRUE;
      g_queue_push_tail (&self->closing, g_steal_pointer (&task));
      return;
    case STATE_OPEN:
    case STATE_CLOSING:
    default:
      self->state = STATE_CLOSING;
      g_queue_push_tail (&self->closing, g_steal_pointer (&task));
      pump (self);
      return;
    }
}

static gboolean
gcs_dbus_sink_close_finish (GcsSink       *sink,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, sink), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
gcs_dbus_sink_sink_init (GcsSinkInterface *iface)
{
  iface->send_async = gcs_dbus_sink_send_async;
  iface->send_finish = gcs_dbus_sink_send_finish;
  iface->close_async = gcs_dbus_sink_close_async;
  iface->close_finish = gcs_dbus_sink_close_finish;
}

/* Public */

/**
 * gcs_dbus_sink_new:
 * @connection: a #GDBusConnection
 * @bus_name: (nullable): the bus name of the receiver's process (its
 *   unique name or a well-known name it owns); %NULL on a peer-to-peer
 *   connection
 * @object_path: the path of the inbox exported by gcs_dbus_receiver_new()
 *
 * A sink that sends into the channel of a gcs_dbus_receiver_new()
 * receiver, across processes: gcs_stream_forward_async() into it moves a
 * pipeline to the receiver's process. Items are batched into few D-Bus
 * calls; never more than the receiver's capacity is in flight (accepted by
 * the sink and not yet queued at the receiver), and a send waits while
 * that many are. Each item arrives once and in order. Closing the sink
 * completes once every item is queued at the receiver; when every sink of
 * a receiver is closed, the receiver reports the end.
 *
 * Sends fail with %GCS_CHANNEL_ERROR_TYPE for an item that does not
 * convert exactly to the receiver's item type (or has no #GVariant form:
 * only numbers, strings, booleans and #GVariant values cross D-Bus), with
 * %GCS_CHANNEL_ERROR_CLOSED once the receiver is closed, and with the
 * D-Bus error when the receiver cannot be reached or vanished.
 *
 * The sink opens the inbox at once, and works on the thread-default
 * #GMainContext of the caller: use it there. Dropping it without closing
 * it sends what it buffered and closes it, without waiting.
 *
 * Returns: (transfer full): a new #GcsDBusSink
 */
GcsSink *
gcs_dbus_sink_new (GDBusConnection *connection,
                   const char      *bus_name,
                   const char      *object_path)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (bus_name == NULL || g_dbus_is_name (bus_name), NULL);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), NULL);

  return g_object_new (GCS_TYPE_DBUS_SINK,
                       "connection", connection,
                       "bus-name", bus_name,
                       "object-path", object_path,
                       NULL);
}

/**
 * gcs_dbus_sink_try_send:
 * @self: a #GcsDBusSink
 * @value: the item
 * @error: return location for a #GError
 *
 * Sends @value if the sink can take it without waiting, as
 * gcs_sender_try_send() does.
 *
 * Returns: %TRUE if the sink took the item; %FALSE with
 *   %GCS_CHANNEL_ERROR_FULL when as many items as the receiver's capacity
 *   are in flight (or the inbox has not answered yet), or with the error a
 *   send would fail with
 */
gboolean
gcs_dbus_sink_try_send (GcsDBusSink   *self,
                        const GValue  *value,
                        GError       **error)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), FALSE);
  g_return_val_if_fail (GCS_IS_VALUE (value), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (self->state)
    {
    case STATE_FAILED:
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    case STATE_CLOSING:
    case STATE_CLOSED:
      set_closed_error (error);
      return FALSE;
    case STATE_OPENING:
    case STATE_OPEN:
    default:
      break;
    }
  if (self->close_requested)
    {
      set_closed_error (error);
      return FALSE;
    }
  if (self->state != STATE_OPEN || !g_queue_is_empty (&self->waiting) || self->in_flight >= self->capacity)
    {
      g_set_error (error, GCS_CHANNEL_ERROR, GCS_CHANNEL_ERROR_FULL,
                   "The D-Bus sink has %u items in flight, its capacity", self->in_flight);
      return FALSE;
    }
  return accept (self, value, error);
}

/**
 * gcs_dbus_sink_get_connection:
 * @self: a #GcsDBusSink
 *
 * Gets #GcsDBusSink:connection.
 *
 * Returns: (transfer none): the connection
 */
GDBusConnection *
gcs_dbus_sink_get_connection (GcsDBusSink *self)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), NULL);

  return self->connection;
}

/**
 * gcs_dbus_sink_get_bus_name:
 * @self: a #GcsDBusSink
 *
 * Gets #GcsDBusSink:bus-name.
 *
 * Returns: (nullable): the receiver's bus name
 */
const char *
gcs_dbus_sink_get_bus_name (GcsDBusSink *self)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), NULL);

  return self->bus_name;
}

/**
 * gcs_dbus_sink_get_object_path:
 * @self: a #GcsDBusSink
 *
 * Gets #GcsDBusSink:object-path.
 *
 * Returns: the inbox's path
 */
const char *
gcs_dbus_sink_get_object_path (GcsDBusSink *self)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), NULL);

  return self->object_path;
}

/**
 * gcs_dbus_sink_get_capacity:
 * @self: a #GcsDBusSink
 *
 * Gets #GcsDBusSink:capacity.
 *
 * Returns: the receiver's capacity; 0 until the inbox answered
 */
guint
gcs_dbus_sink_get_capacity (GcsDBusSink *self)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), 0);

  return self->capacity;
}

/**
 * gcs_dbus_sink_get_in_flight:
 * @self: a #GcsDBusSink
 *
 * Gets #GcsDBusSink:in-flight.
 *
 * Returns: how many items are accepted and not yet queued at the receiver
 */
guint
gcs_dbus_sink_get_in_flight (GcsDBusSink *self)
{
  g_return_val_if_fail (GCS_IS_DBUS_SINK (self), 0);

  return self->in_flight;
}
