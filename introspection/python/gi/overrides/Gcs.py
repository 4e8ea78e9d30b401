# PyGObject override for Gcs (gchanstream).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# PyGObject 3.42 needs three fixes to use channels comfortably (see the
# project's notes on GI bindings):
# - a Python int outside int32 cannot become a GValue: it raises
#   OverflowError before C is called, so sends box it as gint64 / guint64;
# - an exception in a callback is printed and swallowed; _raising_gerror()
#   turns it into a GError C can report;
# - recv_async() (and watch's changed_async()) without a callback is
#   accepted and loses the item, or the change, it takes, so the override
#   requires the callback.

import functools
import sys

from gi.repository import GLib, GObject

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
            'Cannot send %d: it does not fit in 64 bits' % value,
            int(Gcs.ChannelError.TYPE))
    return value


def _raising_gerror(func):
    """Wraps @func so that any exception other than GLib.Error leaves it as
    a GLib.Error in the gcs-channel-error domain, carrying the exception's
    type and message, which C sees as the callback's GError."""
    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except GLib.Error:
            raise
        except Exception as e:
            raise GLib.Error.new_literal(
                Gcs.channel_error_quark(),
                '%s: %s' % (type(e).__name__, e), 0) from e
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


class Receiver(Gcs.Receiver):
    # **kwargs keeps PyGObject's user_data= keyword working.
    def attach(self, context, func, *user_data, **kwargs):
        return super().attach(context, _logging_source_func(func),
                              *user_data, **kwargs)

    def attach_full(self, context, priority, func, *user_data, **kwargs):
        return super().attach_full(context, priority, _logging_source_func(func),
                                   *user_data, **kwargs)

    def recv_async(self, cancellable=None, callback=None, *user_data, **kwargs):
        if callback is None:
            raise TypeError('Gcs.Receiver.recv_async() needs a callback: '
                            'without one the item it takes would be lost')
        return super().recv_async(cancellable, callback, *user_data, **kwargs)


Receiver = override(Receiver)
__all__.append('Receiver')


def _require_callback(name, callback):
    if callback is None:
        raise TypeError('%s() needs a callback: without one the item it '
                        'takes would be lost' % name)


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
