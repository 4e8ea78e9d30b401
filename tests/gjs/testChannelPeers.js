// GJS binding tests of what tokio's channels have (issue 14), through
// introspection/gjs/gchanstream.js (imported from the source tree):
// closed_async on every sender, recv_many and is_closed, watch peek_value /
// wait_for / send_if_changed / receiver_count, broadcast resubscribe, watch
// and broadcast senders as sinks, and the lazy, bounded bridges. Each test
// names the tokio test it translates (tokio/tests/sync_*.rs), as
// tests/test-channel-peers.c does. Run with `gjs -m`; prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import system from 'system';
import Gcs from '../../introspection/gjs/gchanstream.js';
import {
    test, run, assert, assertEq, assertChannelError, assertThrowsChannelError,
    rejection, delay, until,
} from './harness.js';

const CLOSED = Gcs.ChannelError.CLOSED;

// Whether @promise is still pending after a short while.
async function pending(promise) {
    let settled = false;
    promise.then(() => (settled = true), () => (settled = true));
    await delay(20);
    return !settled;
}

const Gauge = GObject.registerClass({
    Properties: {
        level: GObject.ParamSpec.int('level', 'level', 'level',
            GObject.ParamFlags.READWRITE, -1, 10000000, 0),
    },
    Signals: {
        tick: {param_types: [GObject.TYPE_INT]},
    },
}, class Gauge extends GObject.Object {});

// --- mpsc --------------------------------------------------------------------

test('recv_many (sync_mpsc.rs: send_recv_many_unbounded)', async () => {
    const [tx, rx] = Gcs.channel_new_unbounded(GObject.TYPE_INT);
    for (const v of [7, 13, 100, 1002])
        tx.try_send(v);
    for (const v of [7, 13, 100, 1002])
        assertEq(await rx.recv_many_async(1, null), [v], 'one at a time');
    for (const v of [5, 6, 7, 2])
        tx.try_send(v);
    assertEq(await rx.recv_many_async(32, null), [5, 6, 7, 2], 'all queued');
    tx.close();
    assertEq(await rx.recv_many_async(4, null), null, 'the end');
});

test('recv_many waits, and two waits get different items', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_STRING, 8);
    const both = Promise.all([rx.recv_many_async(8, null), rx.recv_many_async(8, null)]);
    await delay(10);
    tx.try_send('a');
    await delay(10);
    tx.try_send('b');
    const [first, second] = await both;
    assertEq([...first, ...second], ['a', 'b'], 'each item once');
});

test('is_closed (sync_mpsc.rs: test_rx_is_closed_*)', () => {
    let [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 10);
    assertEq(rx.is_closed(), false, 'senders there');
    rx.close();
    assertEq(rx.is_closed(), true, 'closed with a sender');
    [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 10);
    for (let i = 0; i < 10; i++)
        tx.try_send(i);
    tx.close();
    assertEq(rx.is_closed(), true, 'no senders, messages queued');
    assertEq(rx.try_recv(), 0, 'still delivered');
});

// --- closed_async ------------------------------------------------------------

test('closed_async, every sender kind (close_rx, poll_close, broadcast_sender_closed)', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 1);
    let closed = tx.closed_async(null);
    assert(await pending(closed), 'mpsc: pending while the receiver is there');
    rx.close();
    assertEq(await closed, true, 'mpsc: the receiver closed');

    const [otx, orx] = Gcs.oneshot_new(GObject.TYPE_INT);
    closed = otx.closed_async(null);
    assert(await pending(closed), 'oneshot: pending');
    orx.close();
    assertEq(await closed, true, 'oneshot: the receiver closed');
    assertThrowsChannelError(() => otx.send(1), CLOSED, 'oneshot send');

    let [wtx, wrx] = Gcs.watch_new('one');
    closed = wtx.closed_async(null);
    assert(await pending(closed), 'watch: pending');
    assert(wrx.get_value() === 'one');
    wrx = null;   // GJS lets the receiver go at a collection
    await delay(0);
    system.gc();
    assertEq(await closed, true, 'watch: the last receiver went');

    let [btx, brx] = Gcs.broadcast_new(GObject.TYPE_INT, 1);
    closed = btx.closed_async(null);
    assert(await pending(closed), 'broadcast: pending');
    assert(brx.capacity === 1);
    brx = null;
    await delay(0);
    system.gc();
    assertEq(await closed, true, 'broadcast: no receiver left');
});

test('closed_async is cancellable', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 1);
    const cancellable = new Gio.Cancellable();
    const closed = tx.closed_async(cancellable);
    await delay(10);
    cancellable.cancel();
    const e = await rejection(closed, 'closed_async');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `CANCELLED: ${e}`);
    assertEq(rx.is_closed(), false, 'the receiver is still there');
});

// --- watch -------------------------------------------------------------------

test('peek_value does not mark seen (sync_watch.rs: borrow_and_update)', () => {
    const [tx, rx] = Gcs.watch_new('one');
    tx.send('two');
    assertEq(rx.peek_value(), 'two', 'peek');
    assertEq(rx.has_changed(), true, 'still unseen');
    assertEq(rx.get_value(), 'two', 'get');
    assertEq(rx.has_changed(), false, 'seen');
});

test('send_if_changed (doc test of send_if_modified)', () => {
    const [tx, rx] = Gcs.watch_new(1);
    assertEq(tx.send_if_changed(2), true, 'a new value');
    assertEq(rx.get_value(), 2, 'stored');
    assertEq(tx.send_if_changed(2), false, 'the same value');
    assertEq(rx.has_changed(), false, 'nobody notified');
    assertThrowsChannelError(() => tx.send_if_changed('x'), Gcs.ChannelError.TYPE, 'a string');
});

test('receiver_count (doc test of receiver_count)', () => {
    const [tx, rx1] = Gcs.watch_new('hello');
    assertEq(tx.get_receiver_count(), 1, 'one');
    const rx2 = rx1.clone();
    assertEq(tx.receiver_count, 2, 'a clone');
    assert(rx2 instanceof Gcs.WatchReceiver);
});

test('wait_for (doc test; wait_for_errors_on_closed_channel_true_predicate; receiver_wait_for_is_cooperative)', async () => {
    let [tx, rx] = Gcs.watch_new('hello');
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20, () => {
        tx.send('goodbye');
        return GLib.SOURCE_REMOVE;
    });
    assertEq(await rx.wait_for_async(v => v === 'goodbye', null), 'goodbye', 'a later value');
    assertEq(rx.has_changed(), false, 'marked seen');

    [tx, rx] = Gcs.watch_new('A');
    tx.send('B');
    tx.close();
    assertEq(await rx.wait_for_async(() => true, null), 'B', 'the current value, sender gone');
    const e = await rejection(rx.wait_for_async(v => v === 'C', null), 'wait_for');
    assertChannelError(e, CLOSED, 'closed, never satisfied');

    [tx, rx] = Gcs.watch_new(0);
    try {
        await rx.wait_for_async(() => {
            throw new TypeError('no');
        }, null);
        assert(false, 'a throwing predicate fails the wait');
    } catch (e) {
        assert(`${e}`.includes('no'), `the exception comes back: ${e}`);
    }
});

test('sequences (arrays) through every sender and receiver kind', async () => {
    const [wtx, wrx] = Gcs.watch_new([1, 'a']);
    assertEq(wrx.peek_value(), [1, 'a'], 'peek_value');
    wtx.send([2, ['b']]);
    assertEq(wtx.get_value(), [2, ['b']], 'the watch sender\'s get_value');
    assertEq(wrx.get_value(), [2, ['b']], 'the watch receiver\'s get_value');
    assertEq(wtx.send_if_changed([3, 'c']), true, 'send_if_changed');
    assertEq(await wrx.wait_for_async(v => v[0] === 3, null), [3, 'c'], 'wait_for');

    const [btx, brx] = Gcs.broadcast_new(GObject.TYPE_NONE, 4);
    assertEq(btx.send([1, [2, 3]]), 1, 'broadcast send');
    btx.send([]);
    assertEq(brx.try_recv(), [1, [2, 3]], 'broadcast try_recv');
    assertEq(await brx.recv_async(null), [], 'broadcast recv_async');

    const [otx, orx] = Gcs.oneshot_new(GObject.TYPE_NONE);
    otx.send(['x', 2]);
    assertEq(await orx.recv_async(null), ['x', 2], 'oneshot recv_async');
    const [otx2, orx2] = Gcs.oneshot_new(GObject.TYPE_NONE);
    otx2.send([true]);
    assertEq(orx2.try_recv(), [true], 'oneshot try_recv');
});

// --- broadcast ---------------------------------------------------------------

test('resubscribe (sync_broadcast.rs: resubscribe_points_to_tail, _to_closed_channel)', () => {
    let [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 3);
    tx.send(1);
    const resub = rx.resubscribe();
    assertThrowsChannelError(() => resub.try_recv(), Gcs.ChannelError.EMPTY, 'nothing yet');
    assertEq(rx.try_recv(), 1, 'rx unaffected');
    tx.send(2);
    assertEq(resub.try_recv(), 2, 'from now on');

    [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 2);
    tx.close();
    assertThrowsChannelError(() => rx.resubscribe().try_recv(), CLOSED, 'closed channel');
});

test('watch and broadcast senders are sinks', async () => {
    const [tx, rx] = Gcs.watch_new(0);
    assert(tx instanceof Gcs.Sink, 'watch sender is a sink');
    await Gcs.Stream.from_values([1, 2, 3]).forward_async(tx, null);
    assertEq(rx.get_value(), 3, 'the last value');

    const [btx, brx] = Gcs.broadcast_new(GObject.TYPE_INT, 4);
    assert(btx instanceof Gcs.Sink, 'broadcast sender is a sink');
    await Gcs.Stream.from_values([4, 5]).forward_async(btx, null);
    assertEq([brx.try_recv(), brx.try_recv()], [4, 5], 'both');
});

// --- bridges -----------------------------------------------------------------

test('from_property is lazy and coalesces; from_signal_full drops and counts', async () => {
    const gauge = new Gauge();
    const levels = Gcs.Stream.from_property(gauge, 'level');
    for (let i = 1; i <= 1000; i++)
        gauge.level = i;
    assertEq(await levels.next_async(null), 1000, 'the value at the first poll');
    for (let i = 1001; i <= 2000; i++)
        gauge.level = i;
    assertEq(await levels.next_async(null), 2000, 'coalesced');

    const ticks = Gcs.Stream.from_signal_full(gauge, 'tick', 2, Gcs.Overflow.DROP_NEWEST);
    assert(ticks instanceof Gcs.SignalStream, 'a SignalStream');
    const first = ticks.next_async(null);   // the first poll connects
    await delay(10);
    for (let i = 1; i <= 5; i++)
        gauge.emit('tick', i);
    assertEq(await first, 1, 'the first');
    assertEq(await ticks.next_async(null), 2, 'kept');
    assertEq(ticks.dropped, 3, 'dropped: 3, 4 and 5 (capacity 2, DROP_NEWEST)');
});

run();
