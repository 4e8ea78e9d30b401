// GJS binding tests for the broadcast channel and Gcs.BroadcastStream. Run
// with `gjs -m`; prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';
import system from 'system';
import {
    test, run, assert, assertEq, assertChannelError, assertThrowsChannelError,
    rejection, delay, withTimeout, collect,
} from './harness.js';

Gio._promisify(Gcs.BroadcastReceiver.prototype, 'recv_async', 'recv_finish');

const {CLOSED, EMPTY, LAGGED} = Gcs.ChannelError;
const missed = e => Number(/missed (\d+) values/.exec(e.message)[1]);

test('construction and properties', () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 8);
    assert(tx instanceof Gcs.BroadcastSender && rx instanceof Gcs.BroadcastReceiver, 'types');
    for (const end of [tx, rx]) {
        assert(end.item_type === GObject.TYPE_INT, 'item-type');
        assertEq(end.capacity, 8, 'capacity');
        assertEq(end.get_capacity(), 8, 'get_capacity');
    }
    assertEq(tx.receiver_count, 1, 'receiver-count');
    assertEq(tx.get_receiver_count(), 1, 'get_receiver_count');
    assertEq(rx.length, 0, 'length');
    assertEq(rx.lagged, 0, 'lagged');
    assertEq(rx.get_lagged(), 0, 'get_lagged');
});

test('every receiver gets every value sent after it subscribed', () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_STRING, 8);
    assertEq(tx.send('before'), 1, 'reached');
    const rx2 = tx.subscribe();
    assertEq(tx.send('a'), 2, 'reached');
    assertEq(tx.send('b'), 2, 'reached');
    assertEq(rx.length, 3, 'length');
    assertEq(rx2.get_length(), 2, 'get_length');
    assertEq([rx.try_recv(), rx.try_recv(), rx.try_recv()], ['before', 'a', 'b'], 'rx');
    assertEq([rx2.try_recv(), rx2.try_recv()], ['a', 'b'], 'rx2');
    assertThrowsChannelError(() => rx.try_recv(), EMPTY, 'rx empty');
});

test('no receiver: CLOSED, nothing stored', async () => {
    const [tx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    // The receiver is unreachable; once collected, the channel has none.
    system.gc();
    await delay(10);
    system.gc();
    assertEq(tx.receiver_count, 0, 'receiver-count');
    assertThrowsChannelError(() => tx.send(1), CLOSED, 'send without receivers');
    const rx = tx.subscribe();
    assertEq(tx.send(2), 1, 'with a receiver');
    assertEq(rx.try_recv(), 2, 'received; 1 was not stored');
});

test('LAGGED once with the count, then the oldest value held', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    const notified = [];
    rx.connect('notify::lagged', o => notified.push(o.lagged));
    for (let i = 0; i < 10; i++)
        tx.send(i);
    const e = assertThrowsChannelError(() => rx.try_recv(), LAGGED, 'try_recv');
    assertEq(missed(e), 6, 'missed');
    assertEq(rx.lagged, 6, 'lagged');
    assertEq(notified, [6], 'notify');
    assertEq([6, 7, 8, 9].map(() => rx.try_recv()), [6, 7, 8, 9], 'the values held');
    for (let i = 10; i < 15; i++)
        tx.send(i);
    const e2 = await rejection(withTimeout(rx.recv_async(null)), 'recv');
    assertChannelError(e2, LAGGED, 'recv_finish');
    assertEq(missed(e2), 1, 'missed');
    assertEq(rx.lagged, 7, 'total');
    assertEq(await withTimeout(rx.recv_async(null)), 11, 'goes on');
});

test('the end: drain, then CLOSED / null', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    const tx2 = tx.clone();
    tx.send(1);
    tx.close();
    tx.close();
    assertThrowsChannelError(() => tx.send(2), CLOSED, 'send after close');
    assertThrowsChannelError(() => tx.clone().send(2), CLOSED, 'clone of a closed handle');
    tx2.send(3);
    tx2.close();
    assertEq(rx.try_recv(), 1, 'first');
    assertEq(await withTimeout(rx.recv_async(null)), 3, 'second');
    assertThrowsChannelError(() => rx.try_recv(), CLOSED, 'try_recv at the end');
    assertEq(await withTimeout(rx.recv_async(null)), null, 'recv at the end');
});

test('numbers convert exactly or fail with TYPE', () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    for (const bad of [1.5, 'x', true, 2 ** 40])
        assertThrowsChannelError(() => tx.send(bad), Gcs.ChannelError.TYPE, `send ${bad}`);
    assertEq(rx.length, 0, 'nothing sent');
    const [tx64, rx64] = Gcs.broadcast_new(GObject.TYPE_INT64, 4);
    tx64.send(2 ** 40);
    tx64.send(5n);
    assertEq([rx64.try_recv(), rx64.try_recv()], [2 ** 40, 5], 'int64');
});

test('a cancelled recv_async takes nothing', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    const c = new Gio.Cancellable();
    const pending = rx.recv_async(c);
    await delay(10);
    c.cancel();
    tx.send(9);
    const e = await rejection(withTimeout(pending), 'cancelled');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `got ${e}`);
    assertEq(rx.try_recv(), 9, 'the value is still there');
});

test('BroadcastStream skips lagged values, counts them, and signals', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 3);
    const s = Gcs.BroadcastStream.new(rx);
    assert(s instanceof Gcs.BroadcastStream && s instanceof Gcs.Stream, 'types');
    assert(s.get_receiver() === rx && s.receiver === rx, 'receiver');
    const signals = [];
    const notified = [];
    s.connect('lagged', (stream, count) => signals.push(count));
    s.connect('notify::lagged', o => notified.push(o.lagged));
    for (let i = 0; i < 8; i++)
        tx.send(i);
    tx.close();
    assertEq(await collect(s), [5, 6, 7], 'items');
    assertEq(signals, [5], 'lagged signal');
    assertEq(notified, [5], 'notify::lagged');
    assertEq(s.lagged, 5, 'lagged property');
    assertEq(s.get_lagged(), 5, 'get_lagged');
});

test('BroadcastStream never ends because of lag', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    const s = Gcs.BroadcastStream.new(rx);
    let skipped = 0;
    s.connect('lagged', (stream, count) => {
        skipped += count;
    });
    let sent = 0;
    const got = [];
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 2, () => {
        for (let i = 0; i < 20; i++)
            tx.send(sent++);
        if (got.length < 200)
            return GLib.SOURCE_CONTINUE;
        tx.close();
        return GLib.SOURCE_REMOVE;
    });
    for (;;) {
        // eslint-disable-next-line no-await-in-loop
        const v = await withTimeout(s.next_async(null));
        if (v === null)
            break;
        got.push(v);
    }
    assert(skipped > 0, 'it lagged');
    assert(got.every((v, i) => i === 0 || v > got[i - 1]), 'in order, nothing twice');
    assertEq(got.length + skipped, sent, 'received + skipped');
    assertEq(got[got.length - 1], sent - 1, 'the last value');
});

run();
