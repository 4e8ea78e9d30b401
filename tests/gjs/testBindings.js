// GJS tests of the bindings issue (13), through introspection/gjs/gchanstream.js:
// every stream and receiver kind is an async iterable, `break` releases a
// stream (a ReceiverStream's senders then see CLOSED), and every
// _async/_finish pair of the namespace returns a Promise without a callback.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gcs from '../../introspection/gjs/gchanstream.js';
import {test, run, assert, assertEq, assertChannelError} from './harness.js';

const values = (...items) => Gcs.Stream.from_values(items);

test('for await over a stream', async () => {
    const got = [];
    for await (const x of values(1, 2, 3).map(v => v * 2))
        got.push(x);
    assertEq(got, [2, 4, 6], 'items');
});

test('for await over sequences gives arrays', async () => {
    const got = [];
    for await (const x of values(1, 2, 3).chunks(2))
        got.push(x);
    assertEq(got, [[1, 2], [3]], 'chunks');
});

test('break releases a ReceiverStream: the senders see CLOSED', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 4);
    tx.try_send(1);
    tx.try_send(2);
    let first = null;
    for await (const x of Gcs.ReceiverStream.new(rx)) {
        first = x;
        break;
    }
    assertEq(first, 1, 'first item');
    assertEq(tx.is_closed(), true, 'is_closed after break');
    let error = null;
    try {
        tx.try_send(3);
    } catch (e) {
        error = e;
    }
    assertChannelError(error, Gcs.ChannelError.CLOSED, 'send after break');
});

test('a stream error is thrown in the loop', async () => {
    const got = [];
    let error = null;
    try {
        for await (const x of values(1, 2, 3).map(v => {
            if (v === 2)
                throw new RangeError('two');
            return v;
        }))
            got.push(x);
    } catch (e) {
        error = e;
    }
    assertEq(got, [1], 'items before the error');
    assert(error instanceof RangeError && error.message === 'two', `error: ${error}`);
});

test('for await over every receiver kind', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 4);
    tx.try_send(1);
    tx.try_send(2);
    tx.close();
    const mpsc = [];
    for await (const x of rx)
        mpsc.push(x);
    assertEq(mpsc, [1, 2], 'mpsc');

    const [otx, orx] = Gcs.oneshot_new(GObject.TYPE_STRING);
    otx.send('once');
    const oneshot = [];
    for await (const x of orx)
        oneshot.push(x);
    assertEq(oneshot, ['once'], 'oneshot');
    const [otx2, orx2] = Gcs.oneshot_new(GObject.TYPE_STRING);
    otx2.close();
    const empty = [];
    for await (const x of orx2)
        empty.push(x);
    assertEq(empty, [], 'oneshot closed unsent');

    const [wtx, wrx] = Gcs.watch_new(10);
    const seen = [];
    for await (const v of wrx) {
        seen.push(v);
        if (v === 10)
            wtx.send(11);
        else
            wtx.close();
    }
    assertEq(seen, [10, 11], 'watch');

    const [btx, brx] = Gcs.broadcast_new(GObject.TYPE_INT, 2);
    for (const v of [1, 2, 3, 4])
        btx.send(v);
    btx.close();
    const bcast = [];
    for await (const x of brx)
        bcast.push(x);
    assertEq(bcast, [3, 4], 'broadcast skips what it lagged');
});

test('Promises without a callback, the cancellable optional', async () => {
    assertEq(await values(1, 2, 3).collect_async(), [1, 2, 3], 'collect');
    assertEq(await values(1, 2, 3).count_async(null), 3, 'count');
    assertEq(await values(1, 2, 3).fold_async(0, (a, v) => a + v), 6, 'fold');
    assertEq(await values(1).for_each_async(() => {}), true, 'for_each');
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 1);
    await tx.send_async(5);
    assertEq(await rx.recv_async(), 5, 'recv');
    const [stx, srx] = Gcs.channel_new(GObject.TYPE_INT, 1);
    await Gcs.Sink.prototype.send_async.call(stx, 6, null);
    assertEq(srx.try_recv(), 6, 'sink send');
    const [otx, orx] = Gcs.oneshot_new(GObject.TYPE_INT);
    otx.send(7);
    assertEq(await orx.recv_async(), 7, 'oneshot');
    const [wtx, wrx] = Gcs.watch_new(1);
    wtx.send(2);
    await wrx.changed_async();
    assertEq(wrx.get_value(), 2, 'watch');
    const [btx, brx] = Gcs.broadcast_new(GObject.TYPE_INT, 2);
    btx.send(8);
    assertEq(await brx.recv_async(), 8, 'broadcast');
    const [ftx, frx] = Gcs.channel_new(GObject.TYPE_INT, 4);
    await values(1, 2).forward_async(ftx);
    assertEq([frx.try_recv(), frx.try_recv(), frx.recv_blocking(null)], [1, 2, null], 'forward');
});

test('every _async method with a _finish is promisified', () => {
    let count = 0;
    for (const key of Object.keys(Gcs)) {
        const holder = Gcs[key];
        if (typeof holder !== 'function' || !holder.prototype || !holder.$gtype)
            continue;
        for (const name of Object.getOwnPropertyNames(holder.prototype)) {
            const finish = name.replace(/_async$/, '_finish');
            if (name === finish || typeof holder.prototype[finish] !== 'function')
                continue;
            const src = holder.prototype[name].toString();
            assert(src.includes('new Promise'), `${key}.${name} is promisified`);
            count++;
        }
    }
    assert(count >= 12, `${count} async methods`);
});

test('only streams and receivers are async iterable', () => {
    assert(values(1)[Symbol.asyncIterator] !== undefined, 'a stream');
    assertEq(new GObject.Object()[Symbol.asyncIterator], undefined, 'a plain GObject');
    assertEq(new GLib.MainLoop(null, false)[Symbol.asyncIterator], undefined, 'a boxed');
});

run();
