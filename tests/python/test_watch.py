#!/usr/bin/python3
# Python binding tests for the watch channel and Gcs.WatchStream.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import threading
import time
import unittest

from channel_helpers import (ChannelTestCase, collect, iterate,
                             iterate_until, outcome, wait_async)
from gi.repository import Gcs, Gio, GLib, GObject


def changed(test, rx, cancellable=None):
    """changed_async + changed_finish: True, or the GLib.Error."""
    source, result = wait_async(test, lambda cb: rx.changed_async(cancellable, cb))
    test.assertIs(source, rx)
    return outcome(rx.changed_finish, result)


class Gauge(GObject.Object):
    level = GObject.Property(type=int, default=-1)


class TestWatch(ChannelTestCase):
    def test_item_type_is_the_initial_values(self):
        for initial, gtype in ((5, GObject.TYPE_INT), (2.5, GObject.TYPE_DOUBLE),
                               ('idle', GObject.TYPE_STRING), (True, GObject.TYPE_BOOLEAN),
                               (2**40, GObject.TYPE_INT64)):
            tx, rx = Gcs.watch_new(initial)
            self.assertIsInstance(tx, Gcs.WatchSender)
            self.assertIsInstance(rx, Gcs.WatchReceiver)
            for end in (tx, rx):
                self.assertEqual(end.props.item_type, gtype, initial)
                self.assertEqual(end.get_item_type(), gtype)
            self.assertEqual(rx.get_value(), initial)
            self.assertEqual(tx.get_value(), initial)

    def test_get_value_marks_seen(self):
        tx, rx = Gcs.watch_new(0)
        self.assertFalse(rx.has_changed())        # the initial value is seen
        self.assertTrue(tx.send(1))
        self.assertTrue(rx.has_changed())
        self.assertEqual(tx.get_value(), 1)       # the sender's read marks nothing
        self.assertTrue(rx.has_changed())
        self.assertEqual(rx.get_value(), 1)
        self.assertFalse(rx.has_changed())
        # Slow receivers see only the latest.
        for i in range(2, 50):
            tx.send(i)
        self.assertTrue(changed(self, rx))
        self.assertEqual(rx.get_value(), 49)

    def test_type_errors_store_nothing(self):
        tx, rx = Gcs.watch_new(0)
        for bad in (1.5, '3', True, 2**40, Gio.Cancellable()):
            self.assertRaisesChannelError(Gcs.ChannelError.TYPE, tx.send, bad)
        self.assertFalse(rx.has_changed())
        tx.send(3.0)
        self.assertEqual(rx.get_value(), 3)

        tx, rx = Gcs.watch_new(2**40)      # a gint64 watch takes big ints
        tx.send(2**62)
        self.assertEqual(rx.get_value(), 2**62)

    def test_send_without_receiver_is_stored(self):
        tx, rx = Gcs.watch_new('a')
        del rx
        gc.collect()
        self.assertTrue(tx.send('b'))
        late = tx.subscribe()
        self.assertFalse(late.has_changed())      # subscribed: seen
        self.assertEqual(late.get_value(), 'b')
        tx.send('c')
        self.assertTrue(late.has_changed())

    def test_clone_receiver(self):
        tx, rx = Gcs.watch_new(0)
        tx.send(1)
        same = rx.clone()
        self.assertTrue(same.has_changed())
        rx.get_value()
        self.assertTrue(same.has_changed())       # its own version
        self.assertFalse(rx.clone().has_changed())

    def test_close_and_end(self):
        tx, rx = Gcs.watch_new(0)
        tx2 = tx.clone()
        tx.close()
        tx.close()
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.clone().send, 1)
        tx2.send(2)
        del tx2
        gc.collect()
        # An unseen value after the sender is gone: at once; then CLOSED.
        self.assertTrue(changed(self, rx))
        self.assertEqual(rx.get_value(), 2)
        self.assertChannelError(changed(self, rx), Gcs.ChannelError.CLOSED)
        self.assertEqual(tx.get_value(), 2)       # still readable

    def test_changed_from_worker_thread(self):
        tx, rx = Gcs.watch_new(0)

        def worker():
            time.sleep(0.02)
            tx.send(42)

        t = threading.Thread(target=worker)
        t.start()
        self.assertTrue(changed(self, rx))
        t.join()
        self.assertEqual(rx.get_value(), 42)

    def test_changed_cancelled_marks_nothing(self):
        tx, rx = Gcs.watch_new(0)
        c = Gio.Cancellable()

        def cancel_then_send():
            c.cancel()
            tx.send(1)
            return GLib.SOURCE_REMOVE

        def start(cb):
            rx.changed_async(c, cb)
            GLib.timeout_add(20, cancel_then_send)

        source, result = wait_async(self, start)
        e = outcome(rx.changed_finish, result)
        self.assertTrue(e.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), e)
        self.assertTrue(rx.has_changed())

    def test_changed_async_needs_callback(self):
        tx, rx = Gcs.watch_new(0)
        tx.send(1)
        with self.assertRaises(TypeError):
            rx.changed_async()
        iterate(20)
        self.assertTrue(rx.has_changed())

    def test_many_threads(self):
        tx, rx = Gcs.watch_new(0)
        senders = [tx.clone() for _ in range(4)]
        tx.close()

        def worker(k, s):
            for i in range(1, 501):
                s.send(k * 100000 + i)
            s.close()

        threads = [threading.Thread(target=worker, args=(k, s)) for k, s in enumerate(senders)]
        for t in threads:
            t.start()
        last = {}
        while True:
            r = changed(self, rx)
            if isinstance(r, GLib.Error):
                self.assertChannelError(r, Gcs.ChannelError.CLOSED)
                break
            v = rx.get_value()
            k, i = divmod(v, 100000)
            self.assertGreater(i, last.get(k, 0))     # each sender's values in order
            last[k] = i
        for t in threads:
            t.join()
        self.assertEqual(rx.get_value() % 100000, 500)


class TestWatchStream(ChannelTestCase):
    def test_current_value_then_changes(self):
        tx, rx = Gcs.watch_new(1)
        s = Gcs.WatchStream.new(rx)
        self.assertIsInstance(s, Gcs.WatchStream)
        self.assertIs(s.get_receiver(), rx)
        self.assertIs(s.props.receiver, rx)

        def next_item():
            source, result = wait_async(self, lambda cb: s.next_async(None, cb))
            return outcome(s.next_finish, result)

        self.assertEqual(next_item(), 1)
        GLib.timeout_add(20, lambda: tx.send(2) and False)
        self.assertEqual(next_item(), 2)
        tx.send(3)
        tx.send(4)
        self.assertEqual(next_item(), 4)          # only the latest
        tx.send(5)
        del tx
        gc.collect()
        self.assertEqual(next_item(), 5)
        self.assertIsNone(next_item())
        self.assertIsNone(next_item())            # stays ended

    def test_collect(self):
        tx, rx = Gcs.watch_new('a')
        tx.send('b')
        tx.close()
        self.assertEqual(collect(self, Gcs.WatchStream.new(rx)), ['b'])

    def test_bind_to_property(self):
        g = Gauge()
        tx, rx = Gcs.watch_new(0)
        sid = Gcs.WatchStream.new(rx).bind_to_property(g, 'level')
        self.assertGreater(sid, 0)
        self.assertEqual(g.level, -1)             # lazy until the loop runs
        iterate_until(self, lambda: g.level == 0)

        def worker():
            for i in range(1, 1001):
                tx.send(i)

        t = threading.Thread(target=worker)
        t.start()
        iterate_until(self, lambda: g.level == 1000)
        t.join()
        tx.close()
        ctx = GLib.MainContext.default()
        iterate_until(self, lambda: ctx.find_source_by_id(sid) is None)
        self.assertEqual(g.level, 1000)


if __name__ == '__main__':
    unittest.main(verbosity=2)
