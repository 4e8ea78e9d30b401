// GJS binding tests for the watch channel and Gcs.WatchStream. Run with
// `gjs -m`; prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';
import {
    test, run, assert, assertEq, assertChannelError, assertThrowsChannelError,
    rejection, delay, withTimeout, until, collect,
} from './harness.js';

Gio._promisify(Gcs.WatchReceiver.prototype, 'changed_async', 'changed_finish');

const CLOSED = Gcs.ChannelError.CLOSED;

const Gauge = GObject.registerClass({
    Properties: {
        level: GObject.ParamSpec.int('level', 'level', 'level',
            GObject.ParamFlags.READWRITE, -1, 1000000, -1),
    },
}, class Gauge extends GObject.Object {
    constructor() {
        super();
        this.sets = 0;
    }

    get level() {
        return this._level ?? -1;
    }

    set level(v) {
        this._level = v;
        this.sets++;
    }
});

test('the item type is the initial value\'s', () => {
    for (const [initial, gtype] of [[5, GObject.TYPE_INT], [2.5, GObject.TYPE_DOUBLE],
        ['idle', GObject.TYPE_STRING], [true, GObject.TYPE_BOOLEAN], [5n, GObject.TYPE_INT64]]) {
        const [tx, rx] = Gcs.watch_new(initial);
        assert(tx instanceof Gcs.WatchSender && rx instanceof Gcs.WatchReceiver, 'types');
        for (const end of [tx, rx]) {
            assert(end.item_type === gtype, `item-type of ${initial}`);
            assert(end.get_item_type() === gtype, 'get_item_type');
        }
        const expected = typeof initial === 'bigint' ? Number(initial) : initial;
        assertEq(rx.get_value(), expected, 'receiver value');
        assertEq(tx.get_value(), expected, 'sender value');
    }
});

test('get_value marks seen; slow receivers see the latest', async () => {
    const [tx, rx] = Gcs.watch_new(0);
    assertEq(rx.has_changed(), false, 'the initial value is seen');
    assertEq(tx.send(1), true, 'send');
    assertEq(rx.has_changed(), true, 'changed');
    assertEq(tx.get_value(), 1, 'the sender reads');
    assertEq(rx.has_changed(), true, 'still unseen');
    assertEq(rx.get_value(), 1, 'get_value');
    assertEq(rx.has_changed(), false, 'seen');
    for (let i = 2; i < 50; i++)
        tx.send(i);
    assertEq(await withTimeout(rx.changed_async(null)), true, 'changed_async');
    assertEq(rx.has_changed(), false, 'changed marks the latest seen');
    assertEq(rx.get_value(), 49, 'the latest');
});

test('TYPE errors store nothing', () => {
    const [tx, rx] = Gcs.watch_new(0);
    for (const bad of [1.5, '3', true, 2 ** 40])
        assertThrowsChannelError(() => tx.send(bad), Gcs.ChannelError.TYPE, `send ${bad}`);
    assertEq(rx.has_changed(), false, 'nothing stored');
    tx.send(3.0);
    assertEq(rx.get_value(), 3, 'exact conversion');
});

test('a send without receivers is stored; subscribe sees it', () => {
    const [tx] = Gcs.watch_new('a');
    assertEq(tx.send('b'), true, 'send');
    const late = tx.subscribe();
    assertEq(late.has_changed(), false, 'a subscriber has seen the current value');
    assertEq(late.get_value(), 'b', 'its value');
    tx.send('c');
    assertEq(late.has_changed(), true, 'then changes');
});

test('a cloned receiver keeps its own version', () => {
    const [tx, rx] = Gcs.watch_new(0);
    tx.send(1);
    const same = rx.clone();
    assertEq(same.has_changed(), true, 'clone before get_value');
    rx.get_value();
    assertEq(same.has_changed(), true, 'independent');
    assertEq(rx.clone().has_changed(), false, 'clone after get_value');
});

test('close: CLOSED sends; unseen value first, then CLOSED', async () => {
    const [tx, rx] = Gcs.watch_new(0);
    const tx2 = tx.clone();
    tx.close();
    tx.close();
    assertThrowsChannelError(() => tx.send(1), CLOSED, 'send after close');
    assertThrowsChannelError(() => tx.clone().send(1), CLOSED, 'clone of a closed handle');
    tx2.send(2);
    tx2.close();
    assertEq(await withTimeout(rx.changed_async(null)), true, 'the unseen value');
    assertEq(rx.get_value(), 2, 'its value');
    assertChannelError(await rejection(withTimeout(rx.changed_async(null)), 'changed'), CLOSED, 'then CLOSED');
    assertEq(tx.get_value(), 2, 'still readable');
});

test('changed_async: woken by a send; cancelled marks nothing seen', async () => {
    const [tx, rx] = Gcs.watch_new(0);
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        tx.send(1);
        return GLib.SOURCE_REMOVE;
    });
    assertEq(await withTimeout(rx.changed_async(null)), true, 'woken');
    const c = new Gio.Cancellable();
    const pending = rx.changed_async(c);
    await delay(10);
    c.cancel();
    tx.send(2);
    const e = await rejection(withTimeout(pending), 'cancelled');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `got ${e}`);
    assertEq(rx.has_changed(), true, 'still unseen');
});

test('WatchStream: the current value, then changes, then the end', async () => {
    const [tx, rx] = Gcs.watch_new(1);
    const s = Gcs.WatchStream.new(rx);
    assert(s instanceof Gcs.WatchStream && s instanceof Gcs.Stream, 'types');
    assert(s.get_receiver() === rx && s.receiver === rx, 'receiver');
    assertEq(await withTimeout(s.next_async(null)), 1, 'current value');
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        tx.send(2);
        return GLib.SOURCE_REMOVE;
    });
    assertEq(await withTimeout(s.next_async(null)), 2, 'a change');
    tx.send(3);
    tx.send(4);
    assertEq(await withTimeout(s.next_async(null)), 4, 'the latest');
    tx.send(5);
    tx.close();
    assertEq(await collect(s), [5], 'the rest');
    assertEq(await withTimeout(s.next_async(null)), null, 'stays ended');
});

test('bind_to_property drives a GObject property', async () => {
    const g = new Gauge();
    const [tx, rx] = Gcs.watch_new(0);
    const sid = Gcs.WatchStream.new(rx).bind_to_property(g, 'level');
    assert(sid > 0, 'source id');
    assertEq(g.level, -1, 'lazy');
    await until(() => g.level === 0, 'the current value');
    for (let i = 1; i <= 100; i++) {
        tx.send(i);
        if (i % 10 === 0)
            // eslint-disable-next-line no-await-in-loop
            await delay(1);
    }
    await until(() => g.level === 100, 'the latest value');
    assert(g.sets >= 2 && g.sets <= 101, `${g.sets} sets`);
    tx.close();
    await until(() => GLib.MainContext.default().find_source_by_id(sid) === null, 'the end');
    assertEq(g.level, 100, 'final');
});

run();
