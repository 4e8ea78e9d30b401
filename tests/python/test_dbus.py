#!/usr/bin/python3
# Python binding tests for D-Bus: signal and property streams, signals
# emitted from a stream, and the channel across processes (the producer
# is tests/python/dbus_producer.py, run with the same Python), on a
# private bus (Gio.TestDBus) and peer to peer (a Gio.DBusServer).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Nothing waits for time: each test iterates the main context until what
# it expects happened, with a generous deadline that only turns a hang
# into a failure.

import os
import sys
import unittest

import gi
gi.require_version('Gcs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gcs, Gio, GLib, GObject  # noqa: E402

TIMEOUT_S = 120
PATH = '/org/gchanstream/Test'
IFACE = 'org.gchanstream.Test'
INBOX = '/org/gchanstream/Test/Inbox'
PRODUCER = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'dbus_producer.py')
ERR = Gcs.channel_error_quark()

bus = None


def iterate_until(test, cond, timeout_s=TIMEOUT_S):
    context = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + timeout_s * 1000000
    while not cond():
        test.assertLess(GLib.get_monotonic_time(), deadline, 'timed out')
        GLib.timeout_add(100, lambda: GLib.SOURCE_REMOVE)
        context.iteration(True)


def drain():
    context = GLib.MainContext.default()
    while context.iteration(False):
        pass


def bus_connection():
    return Gio.DBusConnection.new_for_address_sync(
        bus.get_bus_address(),
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)


def round_trip(connection):
    connection.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                         'GetId', None, None, Gio.DBusCallFlags.NONE, -1, None)


class Each:
    """for_each_async on a stream: .items as they come (GVariants printed)."""

    def __init__(self, stream, cancellable=None):
        self.done = False
        self.items = []
        self.error = None
        stream.for_each_async(self._on_item, cancellable=cancellable, callback=self._on_done)

    def _on_item(self, item, *data):
        self.items.append(item.print_(False) if isinstance(item, GLib.Variant) else item)

    def _on_done(self, stream, result):
        try:
            stream.for_each_finish(result)
        except GLib.Error as e:
            self.error = e
        self.done = True


class Ordered:
    """for_each_async checking that items come as 0, 1, 2, ..."""

    def __init__(self, stream):
        self.done = False
        self.count = 0
        self.in_order = True
        self.error = None
        stream.for_each_async(self._on_item, callback=self._on_done)

    def _on_item(self, item, *data):
        if item != self.count:
            self.in_order = False
        self.count += 1

    def _on_done(self, stream, result):
        try:
            stream.for_each_finish(result)
        except GLib.Error as e:
            self.error = e
        self.done = True


def next_item(test, stream):
    """The next item of stream, printed; None at the end; raises its error."""
    out = {}

    def done(stream, result):
        try:
            item = stream.next_finish(result)
            out['item'] = None if item is None else item.print_(False)
        except GLib.Error as e:
            out['error'] = e

    stream.next_async(None, done)
    iterate_until(test, lambda: out)
    if 'error' in out:
        raise out['error']
    return out['item']


class TestSignals(unittest.TestCase):
    def test_signal_stream(self):
        consumer, producer = bus_connection(), bus_connection()
        signals = Gcs.Stream.from_dbus_signal(consumer, producer.get_unique_name(), PATH, IFACE, 'Tick')
        each = Each(signals.take(3))
        drain()
        round_trip(consumer)
        producer.emit_signal(None, PATH, IFACE, 'Other', GLib.Variant('(i)', (100,)))
        producer.emit_signal(None, PATH, IFACE, 'Tick', GLib.Variant('(i)', (1,)))
        producer.emit_signal(None, PATH, IFACE, 'Tick', GLib.Variant('(si)', ('two', 2)))
        producer.emit_signal(None, PATH, IFACE, 'Tick', None)
        iterate_until(self, lambda: each.done)
        self.assertIsNone(each.error)
        self.assertEqual(each.items, ['(1,)', "('two', 2)", '()'])

    def test_signal_stream_ends_when_connection_closes(self):
        consumer, producer = bus_connection(), bus_connection()
        each = Each(Gcs.Stream.from_dbus_signal(consumer, None, PATH, IFACE, None))
        drain()
        round_trip(consumer)
        producer.emit_signal(None, PATH, IFACE, 'Tick', GLib.Variant('(i)', (7,)))
        iterate_until(self, lambda: each.items)
        consumer.close_sync(None)
        iterate_until(self, lambda: each.done)
        self.assertIsNone(each.error)
        self.assertEqual(each.items, ['(7,)'])

    def test_emit(self):
        consumer, producer = bus_connection(), bus_connection()
        got = Each(Gcs.Stream.from_dbus_signal(consumer, producer.get_unique_name(), PATH, IFACE,
                                               'Item').take(4))
        drain()
        round_trip(consumer)
        emitted = {}

        def done(stream, result):
            try:
                emitted['ok'] = stream.emit_dbus_signal_finish(result)
            except GLib.Error as e:
                emitted['error'] = e

        items = Gcs.Stream.from_values([GLib.Variant('(su)', ('tuple', 3)), 42, 'text', True])
        items.emit_dbus_signal_async(producer, None, PATH, IFACE, 'Item', None, done)
        iterate_until(self, lambda: emitted)
        self.assertEqual(emitted, {'ok': True})
        iterate_until(self, lambda: got.done)
        self.assertEqual(got.items, ["('tuple', 3)", '(42,)', "('text',)", '(true,)'])

    def test_emit_bad_item(self):
        producer = bus_connection()
        emitted = {}

        def done(stream, result):
            try:
                stream.emit_dbus_signal_finish(result)
            except GLib.Error as e:
                emitted['error'] = e

        items = Gcs.Stream.from_values([Gio.Cancellable()])
        items.emit_dbus_signal_async(producer, None, PATH, IFACE, 'Item', None, done)
        iterate_until(self, lambda: emitted)
        self.assertTrue(emitted['error'].matches(ERR, Gcs.ChannelError.TYPE))


NODE = Gio.DBusNodeInfo.new_for_xml(
    "<node><interface name='%s'><property name='Level' type='i' access='read'/>"
    "</interface></node>" % IFACE)


class TestProperty(unittest.TestCase):
    def setUp(self):
        self.consumer, self.producer = bus_connection(), bus_connection()
        self.level = 1
        self.readable = True
        self.registration = self.producer.register_object(
            PATH, NODE.interfaces[0], None, self._get_property, None)

    def tearDown(self):
        self.producer.unregister_object(self.registration)

    def _get_property(self, connection, sender, path, iface, name):
        if not self.readable:
            return None   # GDBus answers with an error
        return GLib.Variant('i', self.level)

    def set_level(self, level, invalidate_only=False):
        self.level = level
        changed = {} if invalidate_only else {'Level': GLib.Variant('i', level)}
        self.producer.emit_signal(None, PATH, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
                                  GLib.Variant('(sa{sv}as)', (IFACE, changed,
                                                              ['Level'] if invalidate_only else [])))

    def test_changes(self):
        levels = Gcs.Stream.from_dbus_property(self.consumer, self.producer.get_unique_name(), PATH,
                                               IFACE, 'Level')
        self.assertEqual(next_item(self, levels), '1')
        seen = []
        sub = self.consumer.signal_subscribe(None, 'org.freedesktop.DBus.Properties',
                                             'PropertiesChanged', PATH, None,
                                             Gio.DBusSignalFlags.NONE,
                                             lambda *args: seen.append(1))
        round_trip(self.consumer)
        self.set_level(2)
        self.assertEqual(next_item(self, levels), '2')
        self.set_level(3, invalidate_only=True)
        self.assertEqual(next_item(self, levels), '3')
        seen.clear()
        for level in (4, 5, 6):
            self.set_level(level)
        iterate_until(self, lambda: len(seen) >= 3)
        self.assertEqual(next_item(self, levels), '6')   # coalesced
        self.readable = False
        self.set_level(7, invalidate_only=True)
        with self.assertRaises(GLib.Error) as raised:
            next_item(self, levels)
        # PyGObject cannot return a GError from a property getter: GDBus
        # answers with an error of its own domain.
        self.assertEqual(raised.exception.domain, 'g-dbus-error-quark')
        self.consumer.signal_unsubscribe(sub)

    def test_unreadable(self):
        missing = Gcs.Stream.from_dbus_property(self.consumer, self.producer.get_unique_name(), PATH,
                                                IFACE, 'NoSuchProperty')
        with self.assertRaises(GLib.Error) as raised:
            next_item(self, missing)
        self.assertTrue(raised.exception.matches(Gio.dbus_error_quark(), Gio.DBusError.INVALID_ARGS))


class Producer:
    """dbus_producer.py in a subprocess, its stdout read line by line."""

    def __init__(self, address, name, mode, count):
        self.process = Gio.Subprocess.new(
            [sys.executable, PRODUCER, address, name or '-', INBOX, str(count), mode],
            Gio.SubprocessFlags.STDOUT_PIPE)
        self.out = Gio.DataInputStream.new(self.process.get_stdout_pipe())

    def read_line(self, test):
        out = {}

        def done(stream, result):
            line, _ = stream.read_line_finish_utf8(result)
            out['line'] = line

        self.out.read_line_async(GLib.PRIORITY_DEFAULT, None, done)
        iterate_until(test, lambda: out)
        return out['line']

    def wait(self, test):
        out = {}
        self.process.wait_async(None, lambda p, r: out.setdefault('ok', p.wait_finish(r)))
        iterate_until(test, lambda: out)
        return self.process.get_if_exited() and self.process.get_exit_status() == 0


class ChannelCase:
    """Mixed into a TestCase: the receiver on the bus (p2p False) or on a
    connection to a server of ours (p2p True)."""
    p2p = False

    def start(self, item_type, capacity, mode, count):
        """With mode None, no producer process: the test makes its sink."""
        self.connection = None
        if not self.p2p:
            self.connection = bus_connection()
            self.rx = Gcs.dbus_receiver_new(self.connection, INBOX, item_type, capacity)
            if mode is not None:
                self.producer = Producer(bus.get_bus_address(), self.connection.get_unique_name(),
                                         mode, count)
            return
        self.rx = None

        def new_connection(server, connection):
            # Exported before the connection handles its first message.
            self.connection = connection
            self.rx = Gcs.dbus_receiver_new(connection, INBOX, item_type, capacity)
            return True

        self.server = Gio.DBusServer.new_sync('unix:tmpdir=/tmp', Gio.DBusServerFlags.NONE,
                                              Gio.dbus_generate_guid(), None, None)
        self.server.connect('new-connection', new_connection)
        self.server.start()
        if mode is not None:
            self.producer = Producer(self.server.get_client_address(), None, mode, count)
            iterate_until(self, lambda: self.rx is not None)

    def tearDown(self):
        if self.p2p and getattr(self, 'server', None):
            self.server.stop()

    def test_100k_once_in_order(self):
        self.start(GObject.TYPE_INT64, 1024, 'forward', 100000)
        got = Ordered(Gcs.ReceiverStream.new(self.rx))
        iterate_until(self, lambda: got.done)
        self.assertIsNone(got.error)
        self.assertEqual(got.count, 100000)
        self.assertTrue(got.in_order)
        self.assertTrue(Gcs.dbus_receiver_propagate_error(self.rx))
        self.assertTrue(self.producer.wait(self))

    def test_stalled_consumer(self):
        capacity = 16
        self.start(GObject.TYPE_INT64, capacity, 'stall', 1000)
        accepted = 0
        while accepted < 2 * capacity:
            word, accepted, in_flight, cap = self.producer.read_line(self).split()
            accepted, in_flight, cap = int(accepted), int(in_flight), int(cap)
            self.assertEqual((word, cap), ('WAITING', capacity))
            self.assertLessEqual(in_flight, capacity)
        self.assertEqual((accepted, in_flight), (2 * capacity, capacity))
        self.assertEqual(self.rx.get_length(), capacity)
        got = Ordered(Gcs.ReceiverStream.new(self.rx))
        biggest = None
        while True:
            line = self.producer.read_line(self)
            if line is None:
                break
            if line.startswith('MAX'):
                biggest = int(line.split()[1])
            else:
                self.assertLessEqual(int(line.split()[2]), capacity)
        self.assertIsNotNone(biggest)
        self.assertLessEqual(biggest, capacity)
        iterate_until(self, lambda: got.done)
        self.assertEqual((got.count, got.in_order, got.error), (1000, True, None))
        self.assertTrue(self.producer.wait(self))

    def test_killed_producer(self):
        self.start(GObject.TYPE_INT64, 256, 'hang', 100)
        got = Ordered(Gcs.ReceiverStream.new(self.rx))
        self.assertEqual(self.producer.read_line(self), 'SENT 100')
        self.producer.process.force_exit()   # SIGKILL
        self.assertFalse(self.producer.wait(self))
        iterate_until(self, lambda: got.done)
        self.assertEqual((got.count, got.in_order), (100, True))
        # The items that arrived, then the failure; the inbox tells it again.
        self.assertTrue(got.error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_CLOSED))
        with self.assertRaises(GLib.Error) as raised:
            Gcs.dbus_receiver_propagate_error(self.rx)
        self.assertTrue(raised.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_CLOSED))

    def test_bad_items(self):
        # In this process: a sink of our own into an int receiver.
        self.start(GObject.TYPE_INT, 8, None, 0)
        if self.p2p:
            out = {}
            Gio.DBusConnection.new_for_address(
                self.server.get_client_address(), Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT,
                None, None, lambda s, r: out.setdefault('c', Gio.DBusConnection.new_for_address_finish(r)))
            iterate_until(self, lambda: out and self.rx is not None)
            client = out['c']
            sink = Gcs.DBusSink.new(client, None, INBOX)
        else:
            client = bus_connection()
            sink = Gcs.DBusSink.new(client, self.connection.get_unique_name(), INBOX)
        iterate_until(self, lambda: sink.get_capacity() > 0)
        for bad in (GObject.Value(GObject.TYPE_INT64, 2 ** 40), 1.5, 'seven', Gio.Cancellable()):
            with self.assertRaises(GLib.Error) as raised:
                sink.try_send(bad)
            self.assertTrue(raised.exception.matches(ERR, Gcs.ChannelError.TYPE), bad)
        sink.try_send(5)
        sink.try_send(2.0)
        closed = {}
        sink.close_async(None, lambda s, r: closed.setdefault('ok', s.close_finish(r)))
        iterate_until(self, lambda: closed)
        got = Each(Gcs.ReceiverStream.new(self.rx))
        iterate_until(self, lambda: got.done)
        self.assertEqual(got.items, [5, 2])


class TestChannelBus(ChannelCase, unittest.TestCase):
    p2p = False


class TestChannelPeerToPeer(ChannelCase, unittest.TestCase):
    p2p = True


if __name__ == '__main__':
    bus = Gio.TestDBus.new(Gio.TestDBusFlags.NONE)
    bus.up()
    try:
        result = unittest.main(exit=False, verbosity=2).result
    finally:
        bus.down()
    sys.exit(0 if result.wasSuccessful() else 1)
