// GJS: many waits on one receiver at once (issue 11). Promise.all over
// two receives of one receiver used to hang: the second took the
// receiver's only waker slot. Run with `gjs -m`; prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';

import {assertEq, delay, run, test, withTimeout} from './harness.js';

Gio._promisify(Gcs.Receiver.prototype, 'recv_async', 'recv_finish');
Gio._promisify(Gcs.OneshotReceiver.prototype, 'recv_async', 'recv_finish');
Gio._promisify(Gcs.WatchReceiver.prototype, 'changed_async', 'changed_finish');
Gio._promisify(Gcs.BroadcastReceiver.prototype, 'recv_async', 'recv_finish');

test('Promise.all over two receives of one mpsc receiver', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 4);
    const both = Promise.all([rx.recv_async(null), rx.recv_async(null)]);
    await delay(5);
    tx.try_send(1);
    tx.try_send(2);
    assertEq(await withTimeout(both), [1, 2], 'the two items, in order');
});

test('five waits, then the end for each', async () => {
    const [tx, rx] = Gcs.channel_new_unbounded(GObject.TYPE_STRING);
    const waits = [];
    for (let i = 0; i < 5; i++)
        waits.push(rx.recv_async(null));
    tx.try_send('a');
    tx.try_send('b');
    tx.close();
    assertEq(await withTimeout(Promise.all(waits)), ['a', 'b', null, null, null]);
});

test('oneshot: the value to the first wait, the end to the others', async () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    const waits = [rx.recv_async(null), rx.recv_async(null)];
    await delay(5);
    tx.send(7);
    assertEq(await withTimeout(Promise.all(waits)), [7, null]);
});

test('watch: one change completes every pending changed_async', async () => {
    const [tx, rx] = Gcs.watch_new(0);
    const waits = [rx.changed_async(null), rx.changed_async(null), rx.changed_async(null)];
    await delay(5);
    tx.send(1);
    assertEq(await withTimeout(Promise.all(waits)), [true, true, true]);
    assertEq(rx.get_value(), 1);
});

test('broadcast: pending receives take different values', async () => {
    const [tx, rx] = Gcs.broadcast_new(GObject.TYPE_INT, 8);
    const waits = [rx.recv_async(null), rx.recv_async(null), rx.recv_async(null)];
    await delay(5);
    tx.send(1);
    tx.send(2);
    tx.close();
    assertEq(await withTimeout(Promise.all(waits)), [1, 2, null]);
});

run();
