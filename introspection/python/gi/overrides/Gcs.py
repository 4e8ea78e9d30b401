# PyGObject override for Gcs (gchanstream).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# PyGObject 3.42 needs these fixes to use channels and streams comfortably
# (see the project's notes on GI bindings):
# - a Python int outside int32 cannot become a GValue: it raises
#   OverflowError before C is called, so sends box it as gint64 / guint64;
# - an exception in a callback is printed and swallowed; _raising_gerror()
#   turns it into a GError C can report;
# - recv_async() (and watch's changed_async()) without a callback is
#   accepted and loses the item, or the change, it takes, so the override
#   requires the callback;
# - stream methods wrap their callbacks (see "streams" below) and take
#   Python-friendly arguments: scan(init, func), flat_map_unordered(func,
#   limit), for_each_async(func, cancellable, callback),
#   fold_async(init, func, cancellable, callback).

import functools
import sys

from gi.repository import Gio, GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Gcs = get_introspection_module('Gcs')

__all__ = ['_raising_gerror']


def _box(value):
    """Returns @value, or a typed GObject.Value for an int outside int32."""
    if isinstance(value, int) and not isinstance(value, bool) \
            and not -2**31 <= value < 2**31:
        if -2**63 <= value < 2**63:
            return GObject.Value(GObject.TYPE_INT64, value)
        if 0 <= value < 2**64:
            return GObject.Value(GObject.TYPE_UINT64, value)
        raise GLib.Error.new_literal(
            Gcs.channel_error_quark(),
            '%d does not fit in a 64-bit integer' % value,
            int(Gcs.ChannelError.TYPE))
    return value


def _callback_error(e):
    """The GLib.Error a callback's exception @e becomes."""
    return GLib.Error.new_literal(
        Gio.io_error_quark(), '%s: %s' % (type(e).__name__, e),
        int(Gio.IOErrorEnum.FAILED))


def _raising_gerror(func):
    """Wraps @func so that any exception other than GLib.Error leaves it as
    a GLib.Error G_IO_ERROR_FAILED carrying the exception's type and
    message ("ValueError: bad item"), which C sees as the callback's
    GError. A GLib.Error keeps its domain, code and message. (Not the
    gcs-channel-error domain: its code 0 is CLOSED.)"""
    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except GLib.Error:
            raise
        except Exception as e:
            raise _callback_error(e) from None
    return wrapper


def _logging_source_func(func):
    """Wraps a GcsReceiverFunc: an exception is printed and removes the
    source (its items stay queued)."""
    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except Exception:
            sys.excepthook(*sys.exc_info())
            return GLib.SOURCE_REMOVE
    return wrapper


class Sender(Gcs.Sender):
    def try_send(self, value):
        return super().try_send(_box(value))

    def send_blocking(self, value, cancellable=None):
        return super().send_blocking(_box(value), cancellable)

    def send_async(self, value, *args, **kwargs):
        return super().send_async(_box(value), *args, **kwargs)


Sender = override(Sender)
__all__.append('Sender')


def _require_callback(name, callback):
    """PyGObject 3.42 starts an async call without a callback and drops its
    result: a receive would lose the item it takes."""
    if callback is None:
        raise TypeError('%s() needs a callback: without one the operation '
                        'would run and its result be lost' % name)
    if not callable(callback):
        raise TypeError('%s(): callback %r is not callable' % (name, callback))


class Receiver(Gcs.Receiver):
    # **kwargs keeps PyGObject's user_data= keyword working.
    def attach(self, context, func, *user_data, **kwargs):
        return super().attach(context, _logging_source_func(func),
                              *user_data, **kwargs)

    def attach_full(self, context, priority, func, *user_data, **kwargs):
        return super().attach_full(context, priority, _logging_source_func(func),
                                   *user_data, **kwargs)

    def recv_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.Receiver.recv_async', callback)
        return super().recv_async(cancellable, callback, *user_data, **kwargs)


Receiver = override(Receiver)
__all__.append('Receiver')


class OneshotSender(Gcs.OneshotSender):
    def send(self, value):
        return super().send(_box(value))


OneshotSender = override(OneshotSender)
__all__.append('OneshotSender')


class OneshotReceiver(Gcs.OneshotReceiver):
    def recv_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.OneshotReceiver.recv_async', callback)
        return super().recv_async(cancellable, callback, *user_data, **kwargs)


OneshotReceiver = override(OneshotReceiver)
__all__.append('OneshotReceiver')


@override(Gcs.watch_new)
def watch_new(initial):
    return Gcs.watch_new(_box(initial))


__all__.append('watch_new')


class WatchSender(Gcs.WatchSender):
    def send(self, value):
        return super().send(_box(value))


WatchSender = override(WatchSender)
__all__.append('WatchSender')


class WatchReceiver(Gcs.WatchReceiver):
    def changed_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.WatchReceiver.changed_async', callback)
        return super().changed_async(cancellable, callback, *user_data, **kwargs)


WatchReceiver = override(WatchReceiver)
__all__.append('WatchReceiver')


class BroadcastSender(Gcs.BroadcastSender):
    def send(self, value):
        return super().send(_box(value))


BroadcastSender = override(BroadcastSender)
__all__.append('BroadcastSender')


class BroadcastReceiver(Gcs.BroadcastReceiver):
    def recv_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.BroadcastReceiver.recv_async', callback)
        return super().recv_async(cancellable, callback, *user_data, **kwargs)


BroadcastReceiver = override(BroadcastReceiver)
__all__.append('BroadcastReceiver')


# --- streams ----------------------------------------------------------
#
# Every stream method that takes a Python callback wraps it:
# - any exception becomes a GLib.Error (G_IO_ERROR_FAILED, "Type: message")
#   that ends the stream at its consumer, where PyGObject alone would print
#   it and go on as if the callback had returned nothing;
# - a value for C (map, filter_map, scan, fold) is made safe to marshal:
#   ints outside int32 are boxed as gint64 / guint64, and an explicit
#   GObject.Value holding a pointer (a string, an object, a boxed) is
#   unwrapped, since PyGObject 3.42 copies such a Value into C's result
#   shallowly and frees it twice;
# - user data given after the callback is passed on to it, as PyGObject
#   does, but held by the wrapper: C's own closure data is not used.
#
# The methods are on the Gcs.Stream interface, so they apply to every
# stream: ReceiverStream and the private types combinators return alike.
# Asynchronous operations require their callback (without one PyGObject
# 3.42 would start the operation and drop its result); **kwargs keeps
# PyGObject's user_data= keyword working.

# Fundamental types a GObject.Value can carry out of a callback safely:
# they hold no pointer.
_SCALAR_FUNDAMENTALS = frozenset(
    GObject.type_from_name(name) for name in (
        'gchar', 'guchar', 'gboolean', 'gint', 'guint', 'glong', 'gulong',
        'gint64', 'guint64', 'gfloat', 'gdouble', 'GEnum', 'GFlags'))


def _result(value):
    """Turns what a Python callback returned into something PyGObject can
    put into a caller-allocated GValue without losing or breaking it."""
    if isinstance(value, GObject.Value):
        if value.g_type.fundamental in _SCALAR_FUNDAMENTALS:
            return value
        return value.get_value()
    return _box(value)


def _wrap(func, user_data, n_args, convert=None):
    """The callback C calls: @func on the first @n_args arguments C passes
    (PyGObject appends closure data after them) and @user_data, its result
    through @convert, any exception turned into a GLib.Error."""
    if not callable(func):
        raise TypeError('%r is not callable' % (func,))

    def wrapper(*args):
        try:
            result = func(*args[:n_args], *user_data)
            return result if convert is None else convert(result)
        except GLib.Error:
            raise
        except Exception as e:
            raise _callback_error(e) from None
    return wrapper


def _predicate_result(value):
    return bool(value)


def _stream_result(value):
    if not isinstance(value, Gcs.Stream):
        raise TypeError('the callback must return a Gcs.Stream, not %s'
                        % type(value).__name__)
    return value


def _stream_result_wrapper(func, user_data, n_args):
    inner = _wrap(func, user_data, n_args)

    def wrapper(*args):
        result = inner(*args)
        try:
            return _stream_result(result)
        except TypeError as e:
            raise _callback_error(e) from None
    return wrapper


def _items(values):
    """The items of a Python iterable, ready for a GValue array."""
    items = []
    for v in values:
        # PyGObject 3.42 can't put None into a GValue array and crashes
        # (g_value_unset on an uninitialized GValue) instead of raising.
        if v is None:
            raise TypeError('None is not a stream item')
        items.append(_box(v))
    return items


class Stream(Gcs.Stream):
    # Sources

    @staticmethod
    def from_values(values):
        """A stream of @values (any iterable of items, not None)."""
        return Gcs.Stream.from_values(_items(values))

    # Combinators with callbacks

    def map(self, func, *user_data):
        return super().map(_wrap(func, user_data, 1, _result))

    def filter(self, func, *user_data):
        return super().filter(_wrap(func, user_data, 1, _predicate_result))

    def filter_map(self, func, *user_data):
        # None drops the item: it is passed on as is.
        return super().filter_map(_wrap(func, user_data, 1, _result))

    def inspect(self, func, *user_data):
        return super().inspect(_wrap(func, user_data, 1, lambda r: None))

    def take_while(self, func, *user_data):
        return super().take_while(_wrap(func, user_data, 1, _predicate_result))

    def skip_while(self, func, *user_data):
        return super().skip_while(_wrap(func, user_data, 1, _predicate_result))

    def scan(self, init, func, *user_data):
        """scan(init, func, *user_data): func(accumulator, item, *user_data)
        returns the new accumulator; the stream emits each one."""
        return super().scan(_box(init), _wrap(func, user_data, 2, _result))

    def flat_map(self, func, *user_data):
        return super().flat_map(_stream_result_wrapper(func, user_data, 1))

    def flat_map_unordered(self, func, limit, *user_data):
        """flat_map_unordered(func, limit, *user_data): up to @limit inner
        streams at once (the C order is func, user_data, destroy, limit)."""
        return super().flat_map_unordered(
            _stream_result_wrapper(func, user_data, 1), None, limit)

    def catch_error(self, func, *user_data):
        """func(error, *user_data) gets the GLib.Error and returns the
        Gcs.Stream to go on with; raising fails the stream."""
        return super().catch_error(_stream_result_wrapper(func, user_data, 1))

    def switch_map(self, func, *user_data):
        """func(item, cancellable, *user_data) returns the Gcs.Stream of
        @item; @cancellable is triggered when a newer item replaces it."""
        return super().switch_map(_stream_result_wrapper(func, user_data, 2))

    def chain(self, other):
        """The items of @self, then those of @other. Also reached as
        stream.chain(other), although GObject.Object.chain (signal chain-up)
        comes first in every stream's MRO: see _object_chain below."""
        return Gcs.Stream.chain(self, other)

    # Terminal operations

    def next_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.Stream.next_async', callback)
        return super().next_async(cancellable, callback, *user_data, **kwargs)

    def collect_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.Stream.collect_async', callback)
        return super().collect_async(cancellable, callback, *user_data, **kwargs)

    def count_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        _require_callback('Gcs.Stream.count_async', callback)
        return super().count_async(cancellable, callback, *user_data, **kwargs)

    def forward_async(self, sink, cancellable=None, callback=None, *user_data,
                      **kwargs):
        _require_callback('Gcs.Stream.forward_async', callback)
        return super().forward_async(sink, cancellable, callback, *user_data,
                                     **kwargs)

    def for_each_async(self, func, cancellable=None, callback=None,
                       *user_data, **kwargs):
        """for_each_async(func, cancellable=None, callback=None, *user_data):
        func(item) for each item; @user_data goes to @callback, as in GIO."""
        _require_callback('Gcs.Stream.for_each_async', callback)
        return super().for_each_async(
            _wrap(func, (), 1, lambda r: None), (),
            cancellable, callback, *user_data, **kwargs)

    def fold_async(self, init, func, cancellable=None, callback=None,
                   *user_data, **kwargs):
        """fold_async(init, func, cancellable=None, callback=None,
        *user_data): func(accumulator, item) returns the new accumulator;
        @user_data goes to @callback, as in GIO."""
        _require_callback('Gcs.Stream.fold_async', callback)
        return super().fold_async(
            _box(init), _wrap(func, (), 2, _result), (),
            cancellable, callback, *user_data, **kwargs)


Stream = override(Stream)
__all__.append('Stream')


# Every stream is a GObject.Object first, and PyGObject's GObject.Object has
# a chain() of its own (g_signal_chain_from_overridden, for class closures),
# which shadows Stream.chain in the MRO of every stream type, so
# stream.chain(other) raised "could not find signal invocation information
# for this object". GObject.Object.chain is replaced by a dispatcher that
# calls Stream.chain only for a stream with one stream argument, and
# PyGObject's function otherwise.
_gobject_chain = GObject.Object.chain


def _object_chain(self, *args, **kwargs):
    if isinstance(self, Gcs.Stream) and len(args) == 1 and not kwargs \
            and isinstance(args[0], Gcs.Stream):
        return Gcs.Stream.chain(self, args[0])
    return _gobject_chain(self, *args, **kwargs)


_object_chain.__doc__ = _gobject_chain.__doc__
GObject.Object.chain = _object_chain


@override(Gcs.stream_from_values)
def stream_from_values(values):
    return Gcs.stream_from_values(_items(values))


__all__.append('stream_from_values')


# --- operators GUI code needs (issue 15) --------------------------------
#
# A self-contained block (kept at the end of the file on purpose): the
# callbacks of the operators added in the second round are wrapped as the
# ones above (exceptions become GLib.Errors, values are made safe to
# marshal, user data is held by the wrapper).

def _end_wrap(func, user_data):
    """on_end: func(error_or_None, *user_data); its result is ignored and
    an exception only printed (the stream is already over)."""
    if not callable(func):
        raise TypeError('%r is not callable' % (func,))

    def wrapper(error, *ignored):
        func(error, *user_data)
    return wrapper


def _factory_wrap(func, user_data):
    """defer and retry: func(*user_data) returns a Gcs.Stream."""
    return _stream_result_wrapper(func, user_data, 0)


def _stream_map_while(self, func, *user_data):
    """map_while(func, *user_data): like filter_map, but the first None
    ends the stream."""
    return Gcs.Stream.map_while(self, _wrap(func, user_data, 1, _result))


def _stream_exhaust_map(self, func, *user_data):
    """exhaust_map(func, *user_data): func(item) returns a Gcs.Stream;
    items arriving while one runs are dropped."""
    return Gcs.Stream.exhaust_map(self, _stream_result_wrapper(func, user_data, 1))


def _stream_on_end(self, func, *user_data):
    """on_end(func, *user_data): func(error) once when the stream is over:
    None at its end, its GLib.Error when it failed, a Gio.IOErrorEnum
    CANCELLED error when it was cancelled or released first."""
    return Gcs.Stream.on_end(self, _end_wrap(func, user_data))


def _stream_start_with(self, value):
    """start_with(value): value, then the items of the stream."""
    return Gcs.Stream.start_with(self, _box(value))


def _stream_defer(factory, *user_data):
    """Gcs.Stream.defer(factory, *user_data): the stream factory() makes,
    called at the first poll."""
    return Gcs.Stream.defer(_factory_wrap(factory, user_data))


def _stream_retry(factory, max_attempts, initial_backoff_ms, *user_data):
    """Gcs.Stream.retry(factory, max_attempts, initial_backoff_ms,
    *user_data): factory() again after each failure, waiting
    initial_backoff_ms, then twice as long each time."""
    return Gcs.Stream.retry(_factory_wrap(factory, user_data), None,
                            max_attempts, initial_backoff_ms)


Stream.map_while = _stream_map_while
Stream.exhaust_map = _stream_exhaust_map
Stream.on_end = _stream_on_end
Stream.start_with = _stream_start_with
Stream.defer = staticmethod(_stream_defer)
Stream.retry = staticmethod(_stream_retry)
