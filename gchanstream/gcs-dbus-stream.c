/* gcs-dbus-stream.c: from_dbus_signal, from_dbus_property, emit_dbus_signal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The two sources subscribe at their first poll, with the driver's context
 * as the thread-default one, so GDBus calls them back on the consuming
 * thread. What the callbacks and the stream share (a queue or the latest
 * value, the waker, the end) sits in a reference-counted Shared under a
 * lock: the connection's "closed" signal comes on the thread that made the
 * connection, and a subscription's data may outlive the stream.
 */

#include "config.h"

#include "gcs-dbus.h"
#include "gcs-dbus-private.h"
#include "gcs-error.h"
#include "gcs-lock-private.h"
#include "gcs-value-private.h"

/**
 * SECTION:gcs-dbus
 * @title: D-Bus streams
 * @short_description: streams of D-Bus signals and properties, signals from a stream
 *
 * Events of other processes reach a GLib application through D-Bus:
 * gcs_stream_from_dbus_signal() makes a stream of a signal,
 * gcs_stream_from_dbus_property() a stream of a property's values, and
 * gcs_stream_emit_dbus_signal_async() emits each item of a stream as a
 * signal. Items that cross D-Bus are #GVariant values.
 *
 * To move a whole pipeline to another process, with back-pressure, see
 * gcs_dbus_receiver_new() and gcs_dbus_sink_new().
 */

typedef struct
{
  gint          ref_count;   /* gcs_ref_*() */
  GcsMutex      lock;
  GMainContext *context;     /* the consumer's, once polled */

  /* Under the lock */
  GcsWaker     *waker;
  gboolean      closed;      /* the connection closed */
  gboolean      released;
  /* from_dbus_signal: the signals not yet polled */
  GQueue        items;       /* GVariant * */
  /* from_dbus_property: the latest value, coalesced */
  GVariant     *latest;
  gboolean      unseen;
  gboolean      have_initial;
  GError       *error;

  /* from_dbus_property: what a Get needs (set before anything runs) */
  GDBusConnection *connection;
  char         *bus_name;
  char         *object_path;
  char         *interface_name;
  char         *property_name;
} Shared;

static Shared *
shared_new (GDBusConnection *connection)
{
  Shared *self = g_new0 (Shared, 1);

  gcs_ref_init (&self->ref_count);
  gcs_mutex_init (&self->lock);
  g_queue_init (&self->items);
  self->connection = g_object_ref (connection);
  return self;
}

static Shared *
shared_ref (Shared *self)
{
  gcs_ref_inc (&self->ref_count);
  return self;
}

static void
shared_unref (gpointer data)
{
  Shared *self = data;

  if (!gcs_ref_dec (&self->ref_count))
    return;
  g_queue_clear_full (&self->items, (GDestroyNotify) g_variant_unref);
  g_clear_pointer (&self->waker, gcs_waker_unref);
  g_clear_pointer (&self->latest, g_variant_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_clear_object (&self->connection);
  g_free (self->bus_name);
  g_free (self->object_path);
  g_free (self->interface_name);
  g_free (self->property_name);
  gcs_mutex_clear (&self->lock);
  g_free (self);
}

/* Wakes the consumer, outside of the lock. */
static void
shared_wake_unlock (Shared *self)
{
  GcsWaker *waker = self->waker != NULL ? gcs_waker_ref (self->waker) : NULL;

  gcs_mutex_unlock (&self->lock);
  if (waker != NULL)
    {
      gcs_waker_wake (waker);
      gcs_waker_unref (waker);
    }
}

/* Under the lock: keep @waker to be woken. */
static void
shared_set_waker (Shared   *self,
                  GcsWaker *waker)
{
  if (self->waker != waker)
    {
      g_clear_pointer (&self->waker, gcs_waker_unref);
      self->waker = gcs_waker_ref (waker);
    }
}

static void
connection_closed_cb (GDBusConnection *connection,
                      gboolean         remote_peer_vanished,
                      GError          *error,
                      gpointer         data)
{
  Shared *self = data;

  gcs_mutex_lock (&self->lock);
  self->closed = TRUE;
  shared_wake_unlock (self);
}

static void
closed_closure_notify (gpointer  data,
                       GClosure *closure)
{
  shared_unref (data);
}

/* The part both source streams share */

#define GCS_TYPE_DBUS_SOURCE (gcs_dbus_source_get_type ())
G_DECLARE_FINAL_TYPE (GcsDBusSource, gcs_dbus_source, GCS, DBUS_SOURCE, GObject)

typedef enum
{
  SOURCE_SIGNAL,
  SOURCE_PROPERTY,
} SourceKind;

struct _GcsDBusSource
{
  GObject          parent_instance;
  SourceKind       kind;
  GDBusConnection *connection;
  char            *sender;
  char            *object_path;
  char            *interface_name;
  char            *member;
  Shared          *shared;
  guint            subscription_id;
  gulong           closed_handler;
  gboolean         started;
  gboolean         ended;
};

static void gcs_dbus_source_stream_init (GcsStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (GcsDBusSource, gcs_dbus_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GCS_TYPE_STREAM, gcs_dbus_source_stream_init))

static void
gcs_dbus_source_release (GcsStream *stream)
{
  GcsDBusSource *self = GCS_DBUS_SOURCE (stream);
  GQueue items = G_QUEUE_INIT;
  GVariant *latest = NULL;

  self->ended = TRUE;
  if (self->subscription_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription_id);
      self->subscription_id = 0;
    }
  if (self->closed_handler != 0)
    {
      g_signal_handler_disconnect (self->connection, self->closed_handler);
      self->closed_handler = 0;
    }
  if (self->shared != NULL)
    {
      Shared *shared = g_steal_pointer (&self->shared);

      gcs_mutex_lock (&shared->lock);
      shared->released = TRUE;
      items = shared->items;
      g_queue_init (&shared->items);
      latest = g_steal_pointer (&shared->latest);
      g_clear_pointer (&shared->waker, gcs_waker_unref);
      gcs_mutex_unlock (&shared->lock);
      g_queue_clear_full (&items, (GDestroyNotify) g_variant_unref);
      g_clear_pointer (&latest, g_variant_unref);
      shared_unref (shared);
    }
}

static void
gcs_dbus_source_finalize (GObject *object)
{
  GcsDBusSource *self = GCS_DBUS_SOURCE (object);

  gcs_dbus_source_release (GCS_STREAM (self));
  g_clear_object (&self->connection);
  g_free (self->sender);
  g_free (self->object_path);
  g_free (self->interface_name);
  g_free (self->member);

  G_OBJECT_CLASS (gcs_dbus_source_parent_class)->finalize (object);
}

static void
gcs_dbus_source_class_init (GcsDBusSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = gcs_dbus_source_finalize;
}

static void
gcs_dbus_source_init (GcsDBusSource *self)
{
}

static void signal_cb (GDBusConnection *connection, const char *sender_name, const char *object_path,
                       const char *interface_name, const char *signal_name, GVariant *parameters,
                       gpointer data);
static void properties_changed_cb (GDBusConnection *connection, const char *sender_name,
                                   const char *object_path, const char *interface_name,
                                   const char *signal_name, GVariant *parameters, gpointer data);
static void property_get (Shared *shared);

/* At the first poll, on the consumer's context: subscribe, watch the
 * connection's end, and for a property, read it. */
static void
gcs_dbus_source_start (GcsDBusSource *self,
                       GcsWaker      *waker)
{
  GMainContext *context = gcs_waker_get_context (waker);
  Shared *shared = self->shared;

  self->started = TRUE;
  shared->context = g_main_context_ref (context);

  g_main_context_push_thread_default (context);
  self->closed_handler = g_signal_connect_data (self->connection, "closed",
                                                G_CALLBACK (connection_closed_cb),
                                                shared_ref (shared), closed_closure_notify, 0);
  if (self->kind == SOURCE_SIGNAL)
    self->subscription_id =
      g_dbus_connection_signal_subscribe (self->connection, self->sender, self->interface_name,
                                          self->member, self->object_path, NULL,
                                          G_DBUS_SIGNAL_FLAGS_NONE, signal_cb,
                                          shared_ref (shared), shared_unref);
  else
    {
      /* Subscribed before reading: no change falls in between. */
      self->subscription_id =
        g_dbus_connection_signal_subscribe (self->connection, self->sender,
                                            "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                            self->object_path, self->interface_name,
                                            G_DBUS_SIGNAL_FLAGS_NONE, properties_changed_cb,
                                            shared_ref (shared), shared_unref);
      property_get (shared);
    }
  g_main_context_pop_thread_default (context);

  if (g_dbus_connection_is_closed (self->connection))
    {
      gcs_mutex_lock (&shared->lock);
      shared->closed = TRUE;
      gcs_mutex_unlock (&shared->lock);
    }
}

static GcsPoll
gcs_dbus_source_poll_next (GcsStream  *stream,
                           GcsWaker   *waker,
                           GValue     *item,
                           GError    **error)
{
  GcsDBusSource *self = GCS_DBUS_SOURCE (stream);
  Shared *shared = self->shared;
  GVariant *variant = NULL;
  GError *failure = NULL;
  gboolean closed;

  if (self->ended || shared == NULL)
    return GCS_POLL_DONE;
  if (!self->started)
    gcs_dbus_source_start (self, waker);

  gcs_mutex_lock (&shared->lock);
  if (self->kind == SOURCE_SIGNAL)
    variant = g_queue_pop_head (&shared->items);
  else if (shared->unseen)
    {
      variant = g_variant_ref (shared->latest);
      shared->unseen = FALSE;
    }
  if (variant == NULL && shared->error != NULL)
    failure = g_steal_pointer (&shared->error);
  closed = shared->closed;
  if (variant == NULL && failure == NULL && !closed)
    shared_set_waker (shared, waker);
  gcs_mutex_unlock (&shared->lock);

  if (variant != NULL)
    {
      g_value_init (item, G_TYPE_VARIANT);
      g_value_take_variant (item, variant);
      return GCS_POLL_READY;
    }
  if (failure != NULL)
    {
      gcs_dbus_source_release (stream);
      g_propagate_error (error, failure);
      return GCS_POLL_ERROR;
    }
  if (closed)
    {
      gcs_dbus_source_release (stream);
      return GCS_POLL_DONE;
    }
  return GCS_POLL_PENDING;
}

static void
gcs_dbus_source_stream_init (GcsStreamInterface *iface)
{
  iface->poll_next = gcs_dbus_source_poll_next;
  iface->release = gcs_dbus_source_release;
}

static GcsDBusSource *
gcs_dbus_source_new (SourceKind       kind,
                     GDBusConnection *connection,
                     const char      *sender,
                     const char      *object_path,
                     const char      *interface_name,
                     const char      *member)
{
  GcsDBusSource *self = g_object_new (GCS_TYPE_DBUS_SOURCE, NULL);

  self->kind = kind;
  self->connection = g_object_ref (connection);
  self->sender = g_strdup (sender);
  self->object_path = g_strdup (object_path);
  self->interface_name = g_strdup (interface_name);
  self->member = g_strdup (member);
  self->shared = shared_new (connection);
  return self;
}

/* from_dbus_signal */

static void
signal_cb (GDBusConnection *connection,
           const char      *sender_name,
           const char      *object_path,
           const char      *interface_name,
           const char      *signal_name,
           GVariant        *parameters,
           gpointer         data)
{
  Shared *self = data;

  gcs_mutex_lock (&self->lock);
  if (self->released)
    {
      gcs_mutex_unlock (&self->lock);
      return;
    }
  g_queue_push_tail (&self->items, g_variant_ref (parameters));
  shared_wake_unlock (self);
}

/**
 * gcs_stream_from_dbus_signal:
 * @connection: a #GDBusConnection
 * @sender: (nullable): the sender's bus name, or %NULL for any
 * @object_path: (nullable): the object path, or %NULL for any
 * @interface_name: (nullable): the D-Bus interface, or %NULL for any
 * @member: (nullable): the signal's name, or %NULL for any
 *
 * An item per D-Bus signal that matches, as with
 * g_dbus_connection_signal_subscribe(): the signal's parameters, a tuple
 * #GVariant (an empty tuple for a signal without arguments). None is lost:
 * signals wait for the consumer in an unbounded queue.
 *
 * The stream is lazy: it subscribes at its first poll (signals emitted
 * before that are not seen) and unsubscribes when it is released or
 * finalized. It ends when @connection closes, once the signals received
 * before are delivered.
 *
 * Returns: (transfer full): a new #GcsStream of #GVariant items
 */
GcsStream *
gcs_stream_from_dbus_signal (GDBusConnection *connection,
                             const char      *sender,
                             const char      *object_path,
                             const char      *interface_name,
                             const char      *member)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (sender == NULL || g_dbus_is_name (sender), NULL);
  g_return_val_if_fail (object_path == NULL || g_variant_is_object_path (object_path), NULL);
  g_return_val_if_fail (interface_name == NULL || g_dbus_is_interface_name (interface_name), NULL);
  g_return_val_if_fail (member == NULL || g_dbus_is_member_name (member), NULL);

  return GCS_STREAM (gcs_dbus_source_new (SOURCE_SIGNAL, connection, sender, object_path,
                                          interface_name, member));
}

/* from_dbus_property */

/* A reply to Properties.Get, or its failure. */
static void
property_got_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  Shared *self = data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gcs_mutex_lock (&self->lock);
  if (self->released)
    gcs_mutex_unlock (&self->lock);
  else if (reply == NULL)
    {
      if (self->error == NULL)
        self->error = g_steal_pointer (&error);
      shared_wake_unlock (self);
    }
  else
    {
      g_clear_pointer (&self->latest, g_variant_unref);
      g_variant_get (reply, "(v)", &self->latest);
      self->unseen = TRUE;
      self->have_initial = TRUE;
      shared_wake_unlock (self);
    }
  shared_unref (self);
}

/* Reads the property, on the consumer's context. */
static void
property_get (Shared *self)
{
  g_main_context_push_thread_default (self->context);
  g_dbus_connection_call (self->connection, self->bus_name, self->object_path,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", self->interface_name, self->property_name),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          property_got_cb, shared_ref (self));
  g_main_context_pop_thread_default (self->context);
}

static void
properties_changed_cb (GDBusConnection *connection,
                       const char      *sender_name,
                       const char      *object_path,
                       const char      *interface_name,
                       const char      *signal_name,
                       GVariant        *parameters,
                       gpointer         data)
{
  Shared *self = data;
  g_autoptr(GVariant) changed = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree const char **invalidated = NULL;
  const char *iface;
  gboolean read_again = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}^a&s)", &iface, &changed, &invalidated);
  if (g_strcmp0 (iface, self->interface_name) != 0)
    return;
  value = g_variant_lookup_value (changed, self->property_name, NULL);
  for (guint i = 0; value == NULL && invalidated[i] != NULL; i++)
    if (g_strcmp0 (invalidated[i], self->property_name) == 0)
      read_again = TRUE;

  gcs_mutex_lock (&self->lock);
  /* Before the first reply: that reply is at least as recent. */
  if (self->released || !self->have_initial || (value == NULL && !read_again))
    {
      gcs_mutex_unlock (&self->lock);
      return;
    }
  if (value == NULL)
    {
      gcs_mutex_unlock (&self->lock);
      property_get (self);
      return;
    }
  g_clear_pointer (&self->latest, g_variant_unref);
  self->latest = g_steal_pointer (&value);
  self->unseen = TRUE;
  shared_wake_unlock (self);
}

/**
 * gcs_stream_from_dbus_property:
 * @connection: a #GDBusConnection
 * @bus_name: (nullable): the bus name of the object's owner; %NULL on a
 *   peer-to-peer connection
 * @object_path: the object's path
 * @interface_name: the interface of the property
 * @property_name: the property's name
 *
 * The value of a D-Bus property (org.freedesktop.DBus.Properties.Get),
 * then its value at each change its owner announces with the
 * PropertiesChanged signal; a change that only invalidates the property
 * reads it again. Items are #GVariant values of the property's type.
 *
 * A property is state, as in a watch channel: changes that arrive faster
 * than the consumer polls coalesce to the latest value.
 *
 * The stream is lazy: it subscribes and reads the value at its first poll,
 * and unsubscribes when it is released or finalized. It ends when
 * @connection closes, and fails with the GDBus error (in the
 * %G_DBUS_ERROR or %G_IO_ERROR domain) when the property cannot be read.
 *
 * Returns: (transfer full): a new #GcsStream of #GVariant items
 */
GcsStream *
gcs_stream_from_dbus_property (GDBusConnection *connection,
                               const char      *bus_name,
                               const char      *object_path,
                               const char      *interface_name,
                               const char      *property_name)
{
  GcsDBusSource *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (bus_name == NULL || g_dbus_is_name (bus_name), NULL);
  g_return_val_if_fail (object_path != NULL && g_variant_is_object_path (object_path), NULL);
  g_return_val_if_fail (interface_name != NULL && g_dbus_is_interface_name (interface_name), NULL);
  g_return_val_if_fail (property_name != NULL && g_dbus_is_member_name (property_name), NULL);

  self = gcs_dbus_source_new (SOURCE_PROPERTY, connection, bus_name, object_path,
                              interface_name, property_name);
  self->shared->bus_name = g_strdup (bus_name);
  self->shared->object_path = g_strdup (object_path);
  self->shared->interface_name = g_strdup (interface_name);
  self->shared->property_name = g_strdup (property_name);
  return GCS_STREAM (self);
}

/* emit_dbus_signal */

typedef struct
{
  GDBusConnection *connection;
  char            *destination;
  char            *object_path;
  char            *interface_name;
  char            *signal_name;
} EmitData;

static void
emit_data_free (gpointer data)
{
  EmitData *self = data;

  g_clear_object (&self->connection);
  g_free (self->destination);
  g_free (self->object_path);
  g_free (self->interface_name);
  g_free (self->signal_name);
  g_free (self);
}

/* The signal's parameters for an item: a tuple as it is, anything else in
 * a 1-tuple. */
static GVariant *
emit_parameters (const GValue  *item,
                 GError       **error)
{
  g_autoptr(GVariant) content = NULL;

  if (G_VALUE_HOLDS_VARIANT (item) && g_value_get_variant (item) != NULL)
    {
      GVariant *variant = g_value_get_variant (item);

      if (g_variant_is_of_type (variant, G_VARIANT_TYPE_TUPLE))
        return g_variant_ref (variant);
      return g_variant_ref_sink (g_variant_new_tuple (&variant, 1));
    }
  content = gcs_dbus_value_to_variant (item, error);
  if (content == NULL)
    return NULL;
  return g_variant_ref_sink (g_variant_new_tuple (&content, 1));
}

static void
emit_item (const GValue  *item,
           gpointer       data,
           GError       **error)
{
  EmitData *self = data;
  g_autoptr(GVariant) parameters = emit_parameters (item, error);

  if (parameters == NULL)
    return;
  g_dbus_connection_emit_signal (self->connection, self->destination, self->object_path,
                                 self->interface_name, self->signal_name, parameters, error);
}

static void
emit_flushed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  if (g_dbus_connection_flush_finish (G_DBUS_CONNECTION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
emit_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  GDBusConnection *connection = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (!gcs_stream_for_each_finish (GCS_STREAM (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Completes once the signals are written out. */
  g_dbus_connection_flush (connection, cancellable, emit_flushed_cb, g_steal_pointer (&task));
}

/**
 * gcs_stream_emit_dbus_signal_async:
 * @self: a #GcsStream
 * @connection: a #GDBusConnection
 * @destination: (nullable): the unique bus name of the only receiver, or
 *   %NULL to broadcast
 * @object_path: the path of the emitting object
 * @interface_name: the signal's interface
 * @signal_name: the signal's name
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called at the end
 * @user_data: data for @callback
 *
 * Consumes @self and emits each item as a D-Bus signal, in order, as
 * g_dbus_connection_emit_signal() does: a tuple #GVariant item as the
 * signal's parameters, any other item (a #GVariant, a number, a string, a
 * boolean) as a 1-tuple of it. Completes at the end of @self, once the
 * signals are written to the connection; fails with @self's error, with
 * %GCS_CHANNEL_ERROR_TYPE for an item that has no #GVariant form, or with
 * the connection's error.
 */
void
gcs_stream_emit_dbus_signal_async (GcsStream           *self,
                                   GDBusConnection     *connection,
                                   const char          *destination,
                                   const char          *object_path,
                                   const char          *interface_name,
                                   const char          *signal_name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EmitData *data;

  g_return_if_fail (GCS_IS_STREAM (self));
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  g_return_if_fail (destination == NULL || g_dbus_is_name (destination));
  g_return_if_fail (object_path != NULL && g_variant_is_object_path (object_path));
  g_return_if_fail (interface_name != NULL && g_dbus_is_interface_name (interface_name));
  g_return_if_fail (signal_name != NULL && g_dbus_is_member_name (signal_name));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, gcs_stream_emit_dbus_signal_async);
  g_task_set_name (task, "[gchanstream] emit_dbus_signal");
  g_task_set_task_data (task, g_object_ref (connection), g_object_unref);

  data = g_new0 (EmitData, 1);
  data->connection = g_object_ref (connection);
  data->destination = g_strdup (destination);
  data->object_path = g_strdup (object_path);
  data->interface_name = g_strdup (interface_name);
  data->signal_name = g_strdup (signal_name);
  gcs_stream_for_each_async (self, emit_item, data, emit_data_free, cancellable,
                             emit_done_cb, g_steal_pointer (&task));
}

/**
 * gcs_stream_emit_dbus_signal_finish:
 * @self: a #GcsStream
 * @result: the #GAsyncResult passed to the callback
 * @error: return location for a #GError
 *
 * Finishes gcs_stream_emit_dbus_signal_async().
 *
 * Returns: %TRUE if every item was emitted
 */
gboolean
gcs_stream_emit_dbus_signal_finish (GcsStream     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (GCS_IS_STREAM (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gcs_stream_emit_dbus_signal_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
