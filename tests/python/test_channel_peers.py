#!/usr/bin/python3
# Python binding tests of what tokio's channels have (issue 14): closed_async
# on every sender, recv_many and is_closed, watch peek_value / wait_for /
# send_if_changed / receiver_count, broadcast resubscribe, watch and
# broadcast senders as sinks, and the lazy, bounded bridges. Each test
# names the tokio test it translates (tokio/tests/sync_*.rs), as the C
# tests do (tests/test-channel-peers.c).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import threading
import unittest

from channel_helpers import (ChannelTestCase, iterate, iterate_until,
                             outcome, run_loop, wait_async)
from gi.repository import Gcs, Gio, GLib, GObject


def recv_many(test, rx, limit, cancellable=None):
    """recv_many_async + recv_many_finish: a list, None, or the GLib.Error."""
    source, result = wait_async(
        test, lambda cb: rx.recv_many_async(limit, cancellable, cb))
    test.assertIs(source, rx)
    return outcome(rx.recv_many_finish, result)


def wait_for(test, rx, predicate, cancellable=None):
    """wait_for_async (predicate, cancellable, callback), as API.md
    writes it: the value, or the GLib.Error, or the exception @predicate
    raised (the override gives back the original object)."""
    source, result = wait_async(
        test, lambda cb: rx.wait_for_async(predicate, cancellable, cb))
    try:
        return rx.wait_for_finish(result)
    except Exception as e:
        return e.with_traceback(None)


class Closed:
    """A closed_async call in flight on @tx."""

    def __init__(self, tx, cancellable=None):
        self.result = None
        self.tx = tx
        tx.closed_async(cancellable, self._done)

    def _done(self, source, result):
        self.result = outcome(source.closed_finish, result)

    def pending(self):
        iterate(20)
        return self.result is None

    def wait(self, test):
        iterate_until(test, lambda: self.result is not None)
        return self.result


class Gauge(GObject.Object):
    level = GObject.Property(type=int, default=0)

    @GObject.Signal(arg_types=(int,))
    def tick(self, n):
        pass


class TestRecvMany(ChannelTestCase):
    def test_unbounded(self):
        # sync_mpsc.rs: send_recv_many_unbounded
        tx, rx = Gcs.channel_new_unbounded(GObject.TYPE_INT64)
        for v in (7, 13, 100, 1002):
            tx.try_send(v)
        self.assertEqual([recv_many(self, rx, 1) for _ in range(4)],
                         [[7], [13], [100], [1002]])
        for v in (5, 6, 7, 2):
            tx.try_send(v)
        self.assertEqual(recv_many(self, rx, 32), [5, 6, 7, 2])
        tx.close()
        self.assertIsNone(recv_many(self, rx, 4))

    def test_bounded_capacity(self):
        # sync_mpsc.rs: send_recv_many_bounded_capacity
        tx, rx = Gcs.channel_new(GObject.TYPE_STRING, 100)
        expected = [str(i) for i in range(9)]
        for s in expected + ['one more']:
            tx.try_send(s)
        self.assertEqual(recv_many(self, rx, 9), expected)
        self.assertEqual(recv_many(self, rx, 9), ['one more'])

        def final(tx):
            tx.send_blocking('final')
            tx.close()
        thread = threading.Thread(target=final, args=(tx,))
        thread.start()
        self.assertEqual(recv_many(self, rx, 9), ['final'])
        thread.join()
        self.assertIsNone(recv_many(self, rx, 9))

    def test_with_buffer(self):
        # sync_mpsc.rs: async_send_recv_many_with_buffer
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 2)

        def produce(tx):
            for v in (1, 2, 7, 0):
                tx.send_blocking(v)
            tx.close()
        thread = threading.Thread(target=produce, args=(tx.clone(),))
        thread.start()
        tx.close()
        got = []
        while len(got) < 4:
            batch = recv_many(self, rx, 3)
            self.assertTrue(1 <= len(batch) <= 3)
            got += batch
        thread.join()
        self.assertEqual(got, [1, 2, 7, 0])
        self.assertIsNone(recv_many(self, rx, 3))

    def test_closed_and_idle(self):
        # sync_mpsc.rs: recv_many_with_non_empty_buffer_bounded_rx_closed_and_idle
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        rx.close()
        self.assertIsNone(recv_many(self, rx, 1))

    def test_needs_callback(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        with self.assertRaises(TypeError):
            rx.recv_many_async(4)

    def test_is_closed(self):
        # sync_mpsc.rs: test_rx_is_closed_when_calling_close_with_sender,
        # ..._when_dropping_all_senders, ..._not_closed_when_there_are_senders,
        # ..._when_there_are_no_senders_and_there_are_messages
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 10)
        self.assertFalse(rx.is_closed())
        rx.close()
        self.assertTrue(rx.is_closed())

        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 10)
        for i in range(10):
            tx.try_send(i)
        self.assertFalse(rx.is_closed())
        another = tx.clone()
        del tx
        gc.collect()
        self.assertFalse(rx.is_closed())
        another.close()
        self.assertTrue(rx.is_closed())
        self.assertEqual(rx.try_recv(), 0)


class TestClosed(ChannelTestCase):
    def test_mpsc(self):
        # tokio's mpsc Sender::closed doc test: two handles wait; the
        # receiver goes; both complete
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        tx2 = tx.clone()
        waits = [Closed(tx), Closed(tx2)]
        self.assertTrue(all(w.pending() for w in waits))
        del rx
        gc.collect()
        self.assertEqual([w.wait(self) for w in waits], [True, True])
        self.assertTrue(Closed(tx).wait(self))   # at once now

    def test_oneshot(self):
        # sync_oneshot.rs: close_rx and explicit_close_poll
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        w = Closed(tx)
        self.assertTrue(w.pending())
        rx.close()
        self.assertTrue(w.wait(self))
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)

    def test_watch_last_receiver(self):
        # sync_watch.rs: poll_close; the last receiver counts
        tx, rx = Gcs.watch_new('one')
        rx2 = rx.clone()
        w = Closed(tx)
        del rx
        gc.collect()
        self.assertTrue(w.pending())
        del rx2
        gc.collect()
        self.assertTrue(w.wait(self))
        self.assertTrue(tx.send('two'))   # stored for later subscribers

    def test_broadcast(self):
        # sync_broadcast.rs: broadcast_sender_closed
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 1)
        rx2 = tx.subscribe()
        w = Closed(tx)
        del rx
        gc.collect()
        self.assertTrue(w.pending())
        del rx2
        gc.collect()
        self.assertTrue(w.wait(self))

    def test_cancelled(self):
        tx, rx = Gcs.channel_new(GObject.TYPE_INT, 1)
        cancellable = Gio.Cancellable()
        w = Closed(tx, cancellable)
        self.assertTrue(w.pending())
        cancellable.cancel()
        e = w.wait(self)
        self.assertIsInstance(e, GLib.Error)
        self.assertTrue(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))


class TestWatchPeers(ChannelTestCase):
    def test_peek_value(self):
        # sync_watch.rs: borrow_and_update (peek_value is borrow())
        tx, rx = Gcs.watch_new('one')
        tx.send('two')
        self.assertTrue(rx.has_changed())
        self.assertEqual(rx.peek_value(), 'two')
        self.assertTrue(rx.has_changed())
        self.assertEqual(rx.get_value(), 'two')
        self.assertFalse(rx.has_changed())

    def test_send_if_changed(self):
        # the doc test of watch::Sender::send_if_modified
        tx, rx = Gcs.watch_new(1)
        self.assertTrue(tx.send_if_changed(2))
        self.assertTrue(rx.has_changed())
        self.assertEqual(rx.get_value(), 2)
        self.assertFalse(tx.send_if_changed(2))
        self.assertFalse(rx.has_changed())
        self.assertTrue(tx.send_if_changed(2**40 // 2**20))   # a Python int that fits
        self.assertRaisesChannelError(Gcs.ChannelError.TYPE, tx.send_if_changed, 'x')

    def test_receiver_count(self):
        # the doc test of watch::Sender::receiver_count
        tx, rx1 = Gcs.watch_new('hello')
        self.assertEqual(tx.get_receiver_count(), 1)
        rx2 = rx1.clone()
        self.assertEqual(tx.props.receiver_count, 2)
        del rx1, rx2
        gc.collect()
        self.assertEqual(tx.get_receiver_count(), 0)

    def test_wait_for(self):
        # the doc test of watch::Receiver::wait_for, and sync_watch.rs:
        # wait_for_errors_on_closed_channel_true_predicate,
        # receiver_wait_for_is_cooperative
        tx, rx = Gcs.watch_new('hello')
        GLib.timeout_add(20, lambda: tx.send('goodbye') and False)
        self.assertEqual(wait_for(self, rx, lambda v: v == 'goodbye'), 'goodbye')
        self.assertFalse(rx.has_changed())

        tx, rx = Gcs.watch_new('A')
        tx.send('B')
        tx.close()
        self.assertEqual(wait_for(self, rx, lambda v: True), 'B')
        e = wait_for(self, rx, lambda v: v == 'C')
        self.assertChannelError(e, Gcs.ChannelError.CLOSED)

    def test_wait_for_exception(self):
        tx, rx = Gcs.watch_new(0)

        def bad(value):
            raise ValueError('bad value %d' % value)
        e = wait_for(self, rx, bad)
        self.assertIsInstance(e, ValueError)
        self.assertEqual(str(e), 'bad value 0')

    def test_wait_for_user_data(self):
        # extra arguments go to the GAsyncReadyCallback, as in GIO
        tx, rx = Gcs.watch_new(3)
        got = []
        loop = GLib.MainLoop()

        def done(source, result, *user_data):
            got.append((source.wait_for_finish(result), user_data))
            loop.quit()
        rx.wait_for_async(lambda v: v > 2, None, done, 'a', 'b')
        run_loop(self, loop)
        self.assertEqual(got, [(3, ('a', 'b'))])

    def test_wait_for_cancelled(self):
        tx, rx = Gcs.watch_new(0)
        cancellable = Gio.Cancellable()
        GLib.timeout_add(20, lambda: cancellable.cancel() or False)
        e = wait_for(self, rx, lambda v: v == 1, cancellable)
        self.assertTrue(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED))


class TestBroadcastPeers(ChannelTestCase):
    def test_resubscribe_points_to_tail(self):
        # sync_broadcast.rs: resubscribe_points_to_tail
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 3)
        tx.send(1)
        resub = rx.resubscribe()
        self.assertRaisesChannelError(Gcs.ChannelError.EMPTY, resub.try_recv)
        self.assertEqual(rx.try_recv(), 1)
        tx.send(2)
        self.assertEqual(resub.try_recv(), 2)

    def test_resubscribe_to_closed_channel(self):
        # sync_broadcast.rs: resubscribe_to_closed_channel
        tx, rx = Gcs.broadcast_new(GObject.TYPE_UINT, 2)
        tx.close()
        resub = rx.resubscribe()
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, resub.try_recv)


class TestSinks(ChannelTestCase):
    def forward(self, stream, sink):
        source, result = wait_async(
            self, lambda cb: stream.forward_async(sink, None, cb))
        return outcome(stream.forward_finish, result)

    def test_watch_and_broadcast_senders_are_sinks(self):
        tx, rx = Gcs.watch_new(0)
        self.assertIsInstance(tx, Gcs.Sink)
        self.assertTrue(self.forward(Gcs.Stream.from_values([1, 2, 3]), tx))
        self.assertEqual(rx.get_value(), 3)

        btx, brx = Gcs.broadcast_new(GObject.TYPE_INT, 8)
        self.assertIsInstance(btx, Gcs.Sink)
        self.assertTrue(self.forward(Gcs.Stream.from_values([4, 5]), btx))
        self.assertEqual([brx.try_recv(), brx.try_recv()], [4, 5])
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, brx.try_recv)


class TestLazyBridges(ChannelTestCase):
    def next_item(self, stream):
        source, result = wait_async(self, lambda cb: stream.next_async(None, cb))
        return outcome(stream.next_finish, result)

    def test_from_property_is_lazy_and_coalesces(self):
        gauge = Gauge()
        stream = Gcs.Stream.from_property(gauge, 'level')
        for i in range(1, 1001):
            gauge.props.level = i       # before the first poll: nothing queued
        self.assertEqual(self.next_item(stream), 1000)
        for i in range(1001, 2001):
            gauge.props.level = i       # between polls: coalesced
        self.assertEqual(self.next_item(stream), 2000)

    def test_from_signal_full(self):
        gauge = Gauge()
        stream = Gcs.Stream.from_signal_full(gauge, 'tick', 2, Gcs.Overflow.DROP_OLDEST)
        self.assertIsInstance(stream, Gcs.SignalStream)
        gauge.emit('tick', 0)           # before the first poll: not seen
        # A first poll (connects), cancelled once nothing came.
        cancellable = Gio.Cancellable()
        done = []
        stream.next_async(cancellable, lambda s, r: done.append(r))
        iterate(20)
        self.assertEqual(done, [])
        cancellable.cancel()
        iterate_until(self, lambda: done)
        for i in range(1, 6):
            gauge.emit('tick', i)
        self.assertEqual(stream.props.dropped, 3)
        self.assertEqual(stream.get_dropped(), 3)
        self.assertEqual([self.next_item(stream), self.next_item(stream)], [4, 5])


if __name__ == '__main__':
    unittest.main()
