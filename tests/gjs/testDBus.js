// GJS tests of the D-Bus streams: a stream of a D-Bus signal, a stream of
// a D-Bus property, and signals emitted from a stream, on a private
// session bus: meson runs this under dbus-run-session. (Gio.TestDBus forks
// a watcher process, and a fork of the multi-threaded gjs can hang with
// the test's stdout open.)
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import GObject from 'gi://GObject';
import Gcs from 'gi://Gcs?version=1.0';

import {test, run, assert, assertEq, assertChannelError, rejection, until, withTimeout} from './harness.js';

const PATH = '/org/gchanstream/Test';
const IFACE = 'org.gchanstream.Test';

Gio._promisify(Gcs.Stream.prototype, 'emit_dbus_signal_async', 'emit_dbus_signal_finish');

const address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SESSION, null);

function busConnection() {
    return Gio.DBusConnection.new_for_address_sync(address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        null, null);
}

// Whatever the connection sent before (a match rule) is processed by the bus.
function roundTrip(connection) {
    connection.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
        'GetId', null, null, Gio.DBusCallFlags.NONE, -1, null);
}

// Runs what is ready.
function drain() {
    const context = GLib.MainContext.default();
    while (context.iteration(false))
        ;
}

test('from_dbus_signal: each signal\'s parameters, lazily subscribed', async () => {
    const consumer = busConnection(), producer = busConnection();
    const signals = Gcs.Stream.from_dbus_signal(consumer, producer.get_unique_name(), PATH, IFACE, 'Tick');
    const items = [];
    let done = false;
    signals.take(3).for_each_async(v => items.push(v.print(false)), null, () => {
        done = true;
    });
    drain();
    roundTrip(consumer);
    producer.emit_signal(null, PATH, IFACE, 'Other', new GLib.Variant('(i)', [100]));
    producer.emit_signal(null, PATH, IFACE, 'Tick', new GLib.Variant('(i)', [1]));
    producer.emit_signal(null, PATH, IFACE, 'Tick', new GLib.Variant('(si)', ['two', 2]));
    producer.emit_signal(null, PATH, IFACE, 'Tick', null);
    await until(() => done, 'three signals');
    assertEq(items, ['(1,)', "('two', 2)", '()']);
});

test('from_dbus_signal: ends when the connection closes', async () => {
    const consumer = busConnection(), producer = busConnection();
    const stream = Gcs.Stream.from_dbus_signal(consumer, null, PATH, IFACE, null);
    const items = [];
    let done = false;
    stream.for_each_async(v => items.push(v.print(false)), null, () => {
        done = true;
    });
    drain();
    roundTrip(consumer);
    producer.emit_signal(null, PATH, IFACE, 'Tick', new GLib.Variant('(i)', [7]));
    await until(() => items.length === 1, 'the signal');
    consumer.close_sync(null);
    await until(() => done, 'the end');
    assertEq(items, ['(7,)']);
});

test('emit_dbus_signal: a tuple as the parameters, anything else as a 1-tuple', async () => {
    const consumer = busConnection(), producer = busConnection();
    const items = [];
    let done = false;
    Gcs.Stream.from_dbus_signal(consumer, producer.get_unique_name(), PATH, IFACE, 'Item')
        .take(3).for_each_async(v => items.push(v.print(false)), null, () => {
            done = true;
        });
    drain();
    roundTrip(consumer);
    const ok = await withTimeout(Gcs.Stream.from_values([new GLib.Variant('(su)', ['tuple', 3]), 42, 'text'])
        .emit_dbus_signal_async(producer, null, PATH, IFACE, 'Item', null));
    assertEq(ok, true);
    await until(() => done, 'three signals');
    assertEq(items, ["('tuple', 3)", '(42,)', "('text',)"]);
});

test('emit_dbus_signal: an object fails with TYPE', async () => {
    const producer = busConnection();
    const e = await rejection(Gcs.Stream.from_values([new Gio.Cancellable()])
        .emit_dbus_signal_async(producer, null, PATH, IFACE, 'Item', null), 'emit');
    assertChannelError(e, Gcs.ChannelError.TYPE);
});

const node = Gio.DBusNodeInfo.new_for_xml(
    `<node><interface name='${IFACE}'><property name='Level' type='i' access='read'/></interface></node>`);

test('from_dbus_property: the value, each change, an invalidation read again, coalescing, errors', async () => {
    const consumer = busConnection(), producer = busConnection();
    const state = {level: 1, readable: true};
    const registration = producer.register_object(PATH, node.interfaces[0], null,
        () => state.readable ? new GLib.Variant('i', state.level) : null, null);
    const setLevel = (level, invalidateOnly = false) => {
        state.level = level;
        producer.emit_signal(null, PATH, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
            new GLib.Variant('(sa{sv}as)', [IFACE,
                invalidateOnly ? {} : {Level: new GLib.Variant('i', level)},
                invalidateOnly ? ['Level'] : []]));
    };
    const levels = Gcs.Stream.from_dbus_property(consumer, producer.get_unique_name(), PATH, IFACE, 'Level');
    const next = async () => (await withTimeout(levels.next_async(null)))?.print(false) ?? null;

    assertEq(await next(), '1');
    let seen = 0;
    const sub = consumer.signal_subscribe(null, 'org.freedesktop.DBus.Properties', 'PropertiesChanged',
        PATH, null, Gio.DBusSignalFlags.NONE, () => seen++);
    roundTrip(consumer);
    setLevel(2);
    assertEq(await next(), '2');
    setLevel(3, true);
    assertEq(await next(), '3');
    seen = 0;
    setLevel(4);
    setLevel(5);
    setLevel(6);
    await until(() => seen >= 3, 'three changes');
    assertEq(await next(), '6');
    state.readable = false;
    setLevel(7, true);
    const e = await rejection(levels.next_async(null), 'unreadable');
    assert(e.domain === Gio.dbus_error_quark(), `a D-Bus error, got ${e}`);
    consumer.signal_unsubscribe(sub);
    producer.unregister_object(registration);
});

test('from_dbus_property: a missing property fails with the D-Bus error', async () => {
    const consumer = busConnection(), producer = busConnection();
    const registration = producer.register_object(PATH, node.interfaces[0], null,
        () => new GLib.Variant('i', 1), null);
    const missing = Gcs.Stream.from_dbus_property(consumer, producer.get_unique_name(), PATH, IFACE, 'Nope');
    const e = await rejection(missing.next_async(null), 'missing');
    assert(e.matches(Gio.DBusError, Gio.DBusError.INVALID_ARGS), `INVALID_ARGS, got ${e}`);
    producer.unregister_object(registration);
});

test('the D-Bus channel: a receiver, a sink, forward, TYPE for bad items', async () => {
    const consumer = busConnection(), producer = busConnection();
    const inbox = '/org/gchanstream/Test/Inbox';
    const rx = Gcs.dbus_receiver_new(consumer, inbox, GObject.TYPE_INT64, 8);
    const sink = Gcs.DBusSink.new(producer, consumer.get_unique_name(), inbox);
    await until(() => sink.get_capacity() > 0, 'the inbox to answer');
    let error = null;
    try {
        sink.try_send('not a number');
    } catch (e) {
        error = e;
    }
    assertChannelError(error, Gcs.ChannelError.TYPE);
    let forwarded = null;
    Gcs.Stream.from_values([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).forward_async(sink, null, (stream, result) => {
        forwarded = stream.forward_finish(result);
    });
    const items = [];
    let done = false;
    Gcs.ReceiverStream.new(rx).for_each_async(v => items.push(v), null, () => {
        done = true;
    });
    await until(() => done && forwarded !== null, 'the end');
    assertEq(forwarded, true);
    assertEq(items, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assertEq(Gcs.dbus_receiver_propagate_error(rx), true);
});

run();
