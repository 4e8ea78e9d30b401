#!/usr/bin/python3
# Python binding tests for the oneshot channel and Gcs.OneshotStream.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import os
import shutil
import tempfile
import threading
import time
import unittest

from channel_helpers import (ChannelTestCase, collect, iterate, outcome,
                             wait_async)
from gi.repository import Gcs, Gio, GLib, GObject

NOT_FOUND = Gio.IOErrorEnum.NOT_FOUND


def recv(test, rx, cancellable=None):
    """recv_async + recv_finish: the item, None, or the GLib.Error."""
    source, result = wait_async(test, lambda cb: rx.recv_async(cancellable, cb))
    test.assertIs(source, rx)
    return outcome(rx.recv_finish, result)


class TestOneshot(ChannelTestCase):
    def test_construction(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        self.assertIsInstance(tx, Gcs.OneshotSender)
        self.assertIsInstance(rx, Gcs.OneshotReceiver)
        for end in (tx, rx):
            self.assertEqual(end.props.item_type, GObject.TYPE_INT)
            self.assertEqual(end.get_item_type(), GObject.TYPE_INT)
        self.assertFalse(tx.is_closed())

    def test_value_once_then_closed(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)
        self.assertRaisesChannelError(Gcs.ChannelError.EMPTY, rx.try_recv)
        self.assertTrue(tx.send('hello'))
        # A second send on the handle: CLOSED.
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 'again')
        self.assertEqual(rx.try_recv(), 'hello')
        for _ in range(2):
            self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, rx.try_recv)
        # recv after the item was taken: the end, None without an error.
        self.assertIsNone(recv(self, rx))
        tx.close()   # harmless after the send

    def test_int64_and_type_errors(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT64)
        self.assertTrue(tx.send(2**40))      # boxed by the override
        self.assertEqual(rx.try_recv(), 2**40)

        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        for bad in (1.5, '3', True, 2**40):
            self.assertRaisesChannelError(Gcs.ChannelError.TYPE, tx.send, bad)
        # Refused values did not use the handle up.
        self.assertTrue(tx.send(2.0))
        v = rx.try_recv()
        self.assertEqual(v, 2)
        self.assertIsInstance(v, int)

    def test_send_error(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        failure = GLib.Error.new_literal(Gio.io_error_quark(), 'no such file', NOT_FOUND)
        self.assertTrue(tx.send_error(failure))
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send_error, failure)
        with self.assertRaises(GLib.Error) as cm:
            rx.try_recv()
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), NOT_FOUND))
        self.assertEqual(cm.exception.message, 'no such file')
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, rx.try_recv)

        # recv_finish raises it too.
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        tx.send_error(failure)
        e = recv(self, rx)
        self.assertIsInstance(e, GLib.Error)
        self.assertTrue(e.matches(Gio.io_error_quark(), NOT_FOUND))

    def test_sender_closed_or_dropped_unsent(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        tx.close()
        tx.close()
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, rx.try_recv)
        self.assertChannelError(recv(self, rx), Gcs.ChannelError.CLOSED)

        # Dropping the sender while a receive waits.
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)

        def drop():
            nonlocal tx
            del tx
            gc.collect()
            return GLib.SOURCE_REMOVE

        GLib.timeout_add(20, drop)
        self.assertChannelError(recv(self, rx), Gcs.ChannelError.CLOSED)

    def test_receiver_close_and_gone(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        tx.send(5)
        rx.close()
        self.assertTrue(tx.is_closed())
        self.assertEqual(rx.try_recv(), 5)    # sent before the close

        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        rx.close()
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)

        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        del rx
        gc.collect()
        self.assertTrue(tx.is_closed())
        self.assertRaisesChannelError(Gcs.ChannelError.CLOSED, tx.send, 1)

    def test_recv_from_worker_thread(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT64)

        def worker():
            time.sleep(0.02)
            tx.send(2**50)

        t = threading.Thread(target=worker)
        t.start()
        self.assertEqual(recv(self, rx), 2**50)
        t.join()

    def test_recv_cancelled_takes_nothing(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
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
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        tx.send(1)
        with self.assertRaises(TypeError):
            rx.recv_async()
        iterate(20)
        self.assertEqual(rx.try_recv(), 1)

    def test_classes_are_overridden(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_INT)
        self.assertIs(type(tx), Gcs.OneshotSender)
        self.assertIs(type(rx), Gcs.OneshotReceiver)


class TestOneshotStream(ChannelTestCase):
    def test_one_item(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)
        s = Gcs.OneshotStream.new(rx)
        self.assertIsInstance(s, Gcs.OneshotStream)
        self.assertIsInstance(s, Gcs.Stream)
        self.assertIs(s.get_receiver(), rx)
        self.assertIs(s.props.receiver, rx)
        tx.send('x')
        self.assertEqual(collect(self, s), ['x'])

    def test_empty_when_dropped_unsent(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)
        s = Gcs.OneshotStream.new(rx)
        tx.close()
        self.assertEqual(collect(self, s), [])

    def test_fails_with_sent_error(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)
        s = Gcs.OneshotStream.new(rx)
        tx.send_error(GLib.Error.new_literal(Gio.io_error_quark(), 'gone', NOT_FOUND))
        e = collect(self, s)
        self.assertIsInstance(e, GLib.Error)
        self.assertTrue(e.matches(Gio.io_error_quark(), NOT_FOUND))
        self.assertEqual(e.message, 'gone')

    def test_release_closes_receiver(self):
        tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)
        s = Gcs.OneshotStream.new(rx)
        del rx
        self.assertFalse(tx.is_closed())
        del s
        gc.collect()
        self.assertTrue(tx.is_closed())

    def test_gio_call_into_flat_map(self):
        # The bridge from any GIO async call into a stream.
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        for name, text in (('a', 'alpha'), ('b', 'beta')):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        paths_tx, paths_rx = Gcs.channel_new_unbounded(GObject.TYPE_STRING)
        for name in ('a', 'b', 'a', 'missing', 'b'):
            paths_tx.try_send(os.path.join(d, name))
        paths_tx.close()
        loads = []

        def load(path):
            loads.append(os.path.basename(path))
            tx, rx = Gcs.oneshot_new(GObject.TYPE_STRING)

            def loaded(f, result):
                try:
                    ok, contents, etag = f.load_contents_finish(result)
                    tx.send(contents.decode())
                except GLib.Error as e:
                    tx.send_error(e)

            Gio.File.new_for_path(path).load_contents_async(None, loaded)
            return Gcs.OneshotStream.new(rx)

        seen = []
        s = Gcs.ReceiverStream.new(paths_rx).flat_map(load).inspect(
            lambda v: seen.append(v))
        e = collect(self, s)
        self.assertEqual(seen, ['alpha', 'beta', 'alpha'])
        self.assertIsInstance(e, GLib.Error)
        self.assertTrue(e.matches(Gio.io_error_quark(), NOT_FOUND), e)
        self.assertEqual(loads, ['a', 'b', 'a', 'missing'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
