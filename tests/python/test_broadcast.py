#!/usr/bin/python3
# Python binding tests for the broadcast channel and Gcs.BroadcastStream.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import re
import threading
import time
import unittest

from channel_helpers import (ChannelTestCase, collect, iterate, outcome,
                             run_loop, wait_async)
from gi.repository import Gcs, Gio, GLib, GObject


def recv(test, rx, cancellable=None):
    """recv_async + recv_finish: the item, None, or the GLib.Error."""
    source, result = wait_async(test, lambda cb: rx.recv_async(cancellable, cb))
    test.assertIs(source, rx)
    return outcome(rx.recv_finish, result)


def missed(e):
    """The count a LAGGED error's message gives."""
    return int(re.search(r'missed (\d+) values', e.message).group(1))


class TestBroadcast(ChannelTestCase):
    def test_construction(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 8)
        self.assertIsInstance(tx, Gcs.BroadcastSender)
        self.assertIsInstance(rx, Gcs.BroadcastReceiver)
        for end in (tx, rx):
            self.assertEqual(end.props.item_type, GObject.TYPE_INT)
            self.assertEqual(end.get_item_type(), GObject.TYPE_INT)
            self.assertEqual(end.props.capacity, 8)
            self.assertEqual(end.get_capacity(), 8)
        self.assertEqual(tx.props.receiver_count, 1)
        self.assertEqual(tx.get_receiver_count(), 1)
        self.assertEqual(rx.props.length, 0)
        self.assertEqual(rx.props.lagged, 0)
        self.assertEqual(rx.get_lagged(), 0)

    def test_every_receiver_gets_every_value(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_STRING, 8)
        self.assertEqual(tx.send('before'), 1)
        rx2 = tx.subscribe()                      # sees only later values
        self.assertEqual(tx.props.receiver_count, 2)
        self.assertEqual(tx.send('a'), 2)
        self.assertEqual(tx.send('b'), 2)
        self.assertEqual(rx.props.length, 3)
        self.assertEqual(rx2.get_length(), 2)
        self.assertEqual([rx.try_recv() for _ in range(3)], ['before', 'a', 'b'])
        self.assertEqual([rx2.try_recv() for _ in range(2)], ['a', 'b'])
        for r in (rx, rx2):
            self.assertRaisesChannelError(Gcs.ChannelError.EMPTY, r.try_recv)

    def test_no_receiver_is_closed(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        del rx
        gc.collect()
        self.assertEqual(tx.props.receiver_count, 0)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)
        rx = tx.subscribe()
        self.assertEqual(tx.send(2), 1)
        self.assertEqual(rx.try_recv(), 2)        # 1 was not stored

    def test_lagged_once_then_oldest_held(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        notified = []
        rx.connect('notify::lagged', lambda o, p: notified.append(o.props.lagged))
        for i in range(10):
            tx.send(i)
        e = self.assertRaisesChannelError(Gcs.ChannelError.LAGGED, rx.try_recv)
        self.assertEqual(missed(e), 6)
        self.assertEqual(rx.props.lagged, 6)
        self.assertEqual(notified, [6])
        self.assertEqual([rx.try_recv() for _ in range(4)], [6, 7, 8, 9])
        self.assertRaisesChannelError(Gcs.ChannelError.EMPTY, rx.try_recv)
        # recv_finish reports a lag the same way, and goes on.
        for i in range(10, 15):
            tx.send(i)
        e = recv(self, rx)
        self.assertChannelError(e, Gcs.ChannelError.LAGGED)
        self.assertEqual(missed(e), 1)
        self.assertEqual(rx.get_lagged(), 7)
        self.assertEqual(recv(self, rx), 11)

    def test_end_after_every_sender(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        tx2 = tx.clone()
        tx.send(1)
        tx.close()
        tx.close()
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 2)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.clone().send, 2)
        tx2.send(3)
        del tx2
        gc.collect()
        # Drained, then the end: CLOSED for try_recv, None for recv_finish.
        self.assertEqual(rx.try_recv(), 1)
        self.assertEqual(recv(self, rx), 3)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, rx.try_recv)
        self.assertIsNone(recv(self, rx))

    def test_types(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT64, 4)
        tx.send(2**40)                            # boxed by the override
        self.assertEqual(rx.try_recv(), 2**40)
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        for bad in (1.5, 'x', True, 2**40):
            self.assertRaisesChannelError(Gcs.ChannelError.TYPE, tx.send, bad)
        self.assertEqual(rx.props.length, 0)

    def test_recv_cancelled_takes_nothing(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        c = Gio.Cancellable()

        def cancel_then_send():
            c.cancel()
            tx.send(9)
            return GLib.SOURCE_REMOVE

        def start(cb):
            rx.recv_async(c, cb)
            GLib.timeout_add(20, cancel_then_send)

        source, result = wait_async(self, start)
        e = outcome(rx.recv_finish, result)
        self.assertTrue(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), e)
        self.assertEqual(rx.try_recv(), 9)

    def test_recv_async_needs_callback(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        tx.send(1)
        with self.assertRaises(TypeError):
            rx.recv_async()
        iterate(20)
        self.assertEqual(rx.try_recv(), 1)

    def test_threads_to_receivers(self):
        # 4 sending threads, 3 receivers: each receiver gets each sender's
        # values in order, and received + missed is everything sent.
        n, senders = 2000, 4
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT64, 64)
        receivers = [rx, tx.subscribe(), tx.subscribe()]
        clones = [tx.clone() for _ in range(senders)]
        tx.close()
        reached = []

        def worker(k, s):
            for i in range(n):
                reached.append(s.send(k * 2**40 + i))
                if i % 100 == 99:
                    time.sleep(0.001)
            s.close()

        threads = [threading.Thread(target=worker, args=(k, s)) for k, s in enumerate(clones)]
        for t in threads:
            t.start()
        loop = GLib.MainLoop()
        results = [{'last': {}, 'received': 0, 'missed': 0, 'ended': False} for _ in receivers]

        def on_recv(r, result, st):
            try:
                v = r.recv_finish(result)
            except GLib.Error as e:
                self.assertChannelError(e, Gcs.ChannelError.LAGGED)
                st['missed'] += missed(e)
            else:
                if v is None:
                    st['ended'] = True
                    if all(x['ended'] for x in results):
                        loop.quit()
                    return
                k, i = divmod(v, 2**40)
                self.assertGreater(i, st['last'].get(k, -1))
                st['last'][k] = i
                st['received'] += 1
            r.recv_async(None, on_recv, st)

        for r, st in zip(receivers, results):
            r.recv_async(None, on_recv, st)
        run_loop(self, loop, 30)
        for t in threads:
            t.join()
        self.assertEqual(set(reached), {3})
        for r, st in zip(receivers, results):
            self.assertEqual(st['received'] + st['missed'], n * senders)
            self.assertEqual(r.props.lagged, st['missed'])


class TestBroadcastStream(ChannelTestCase):
    def test_skips_and_counts_lag(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 3)
        s = Gcs.BroadcastStream.new(rx)
        self.assertIsInstance(s, Gcs.BroadcastStream)
        self.assertIs(s.get_receiver(), rx)
        self.assertIs(s.props.receiver, rx)
        self.assertEqual(s.props.lagged, 0)
        signals, notified = [], []
        s.connect('lagged', lambda stream, count: signals.append(count))
        s.connect('notify::lagged', lambda o, p: notified.append(o.props.lagged))
        for i in range(8):
            tx.send(i)
        tx.close()
        self.assertEqual(collect(self, s), [5, 6, 7])
        self.assertEqual(signals, [5])
        self.assertEqual(notified, [5])
        self.assertEqual(s.props.lagged, 5)
        self.assertEqual(s.get_lagged(), 5)

    def test_never_ends_on_lag(self):
        tx, rx = Gcs.broadcast_new(GObject.TYPE_INT, 4)
        s = Gcs.BroadcastStream.new(rx)
        skipped = []
        s.connect('lagged', lambda stream, count: skipped.append(count))
        got = []
        sent = [0]

        def produce():
            for _ in range(20):
                tx.send(sent[0])
                sent[0] += 1
            if len(got) < 200:
                return GLib.SOURCE_CONTINUE
            tx.close()
            return GLib.SOURCE_REMOVE

        def on_item(v, *user_data):
            got.append(v)

        GLib.timeout_add(2, produce)
        source, result = wait_async(self, lambda cb: s.for_each_async(on_item, cancellable=None, callback=cb))
        self.assertTrue(s.for_each_finish(result))
        self.assertGreater(sum(skipped), 0)
        self.assertEqual(got, sorted(set(got)))   # in order, nothing twice
        self.assertEqual(len(got) + sum(skipped), sent[0])
        self.assertEqual(got[-1], sent[0] - 1)
        self.assertEqual(s.props.lagged, sum(skipped))


if __name__ == '__main__':
    unittest.main(verbosity=2)
