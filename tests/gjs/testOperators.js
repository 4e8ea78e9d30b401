// GJS binding tests for the operators GUI code needs (issue 15): what a
// binding user calls, sequence items as arrays, JavaScript callbacks.
// Run with `gjs -m`; prints TAP. Timing is tested in C on a manual clock
// (tests/test-operators-time.c); here only outcomes that do not depend on
// it (an input that ends at once brings a held item at once).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from '../../introspection/gjs/gchanstream.js';
import {test, run, assert, assertEq, until} from './harness.js';

const values = (...items) => Gcs.Stream.from_values(items);
const collect = stream => stream.collect_async(null);

async function failure(promise) {
    try {
        await promise;
    } catch (e) {
        return e;
    }
    throw new Error('did not fail');
}

const Row = GObject.registerClass({
    Properties: {
        'n': GObject.ParamSpec.int('n', 'N', 'The number', GObject.ParamFlags.READWRITE, 0, 1000000, 0),
    },
}, class Row extends GObject.Object {});

test('enumerate and pairwise items are arrays', async () => {
    assertEq(await collect(values('a', 'b').enumerate()), [[0, 'a'], [1, 'b']]);
    assertEq(await collect(values(1, 2, 3).pairwise()), [[1, 2], [2, 3]]);
});

test('start_with, also with an array', async () => {
    assertEq(await collect(values(2, 3).start_with(1)), [1, 2, 3]);
    assertEq(await collect(values(2).start_with([0, 1])), [[0, 1], 2]);
});

test('map_while ends at the first null; a throw fails the stream', async () => {
    assertEq(await collect(values(1, 2, 3, 1).map_while(v => (v < 3 ? v * 10 : null))), [10, 20]);
    assertEq(await collect(values([1, 2]).map_while(([a, b]) => a + b)), [3]);
    const e = await failure(collect(values(1).map_while(() => {
        throw new TypeError('bad item');
    })));
    assert(String(e).includes('bad item'), `got ${e}`);
});

test('combine_latest, with_latest_from, merge_all', async () => {
    assertEq(await collect(Gcs.Stream.combine_latest([values(1), values('x', 'y')])),
        [[1, 'x'], [1, 'y']]);
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 8);
    tx.try_send(1);
    tx.try_send(2);
    tx.close();
    assertEq(await collect(Gcs.ReceiverStream.new(rx).with_latest_from(values('draft'))),
        [[1, 'draft'], [2, 'draft']]);
    assertEq(await collect(Gcs.Stream.merge_all([values(1, 2), values(10, 20), values(100)])),
        [1, 10, 100, 2, 20]);
});

test('exhaust_map with a JavaScript callback', async () => {
    assertEq(await collect(values(1, 2).exhaust_map(v => values(v, v * 10))), [1, 10, 2, 20]);
});

test('take_until and take_until_cancelled', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 8);
    const [stopTx, stopRx] = Gcs.channel_new(GObject.TYPE_INT, 1);
    const got = [];
    const done = Gcs.ReceiverStream.new(rx).take_until(Gcs.ReceiverStream.new(stopRx))
        .for_each_async(v => got.push(v), null);
    tx.try_send(1);
    await until(() => got.length === 1);
    stopTx.try_send(0);
    assertEq(await done, true);
    assertEq(got, [1]);

    const cancellable = new Gio.Cancellable();
    const [tx2, rx2] = Gcs.channel_new(GObject.TYPE_INT, 8);
    const all = collect(Gcs.ReceiverStream.new(rx2).take_until_cancelled(cancellable));
    tx2.try_send(5);
    await until(() => tx2.length === 0);
    cancellable.cancel();
    assertEq(await all, [5]);
});

test('on_end gets null, the error, or CANCELLED', async () => {
    const seen = [];
    assertEq(await collect(values(1, 2).on_end(e => seen.push(e))), [1, 2]);
    assertEq(seen, [null]);

    const errors = [];
    await failure(collect(values(1).map(() => {
        throw new Error('boom');
    }).on_end(e => errors.push(e))));
    assertEq(errors.length, 1);
    assert(errors[0].message.includes('boom'), errors[0].message);

    const released = [];
    assertEq(await collect(values(1, 2, 3).on_end(e => released.push(e)).take(1)), [1]);
    assert(released[0].matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `${released[0]}`);
});

test('defer and retry with JavaScript factories', async () => {
    let calls = 0;
    const deferred = Gcs.Stream.defer(() => {
        calls++;
        return values(1, 2);
    });
    assertEq(calls, 0);
    assertEq(await collect(deferred), [1, 2]);
    assertEq(calls, 1);

    let attempts = 0;
    const retried = Gcs.Stream.retry(() => {
        attempts++;
        if (attempts < 3)
            throw new Error('offline');
        return values(10, 11);
    }, 3, 1);
    assertEq(await collect(retried), [10, 11]);
    assertEq(attempts, 3);
    const e = await failure(collect(Gcs.Stream.retry(() => {
        throw new Error('still offline');
    }, 2, 1)));
    assert(String(e).includes('still offline'), `got ${e}`);
});

test('throttle_full, audit, sample, delay on an input that ends at once', async () => {
    const flags = Gcs.ThrottleFlags.LEADING | Gcs.ThrottleFlags.TRAILING;
    assertEq(await collect(values(1, 2, 3).throttle_full(10000, flags)), [1, 3]);
    assertEq(await collect(values(1, 2, 3).audit(10000)), [3]);
    assertEq(await collect(values(1, 2, 3).sample(10000)), [3]);
    assertEq(await collect(values(1, 2, 3).delay(1)), [1, 2, 3]);
});

test('StreamGroup items are [key, item] arrays', async () => {
    const group = Gcs.StreamGroup.new();
    group.insert('a', values(1, 2));
    group.insert('b', values(10));
    assertEq(group.get_keys(), ['a', 'b']);
    assert(group.contains('b'));
    group.close();
    assertEq(await collect(group), [['a', 1], ['b', 10], ['a', 2]]);
});

test('share with replay', async () => {
    const [tx, rx] = Gcs.channel_new(GObject.TYPE_INT, 8);
    const share = Gcs.ReceiverStream.new(rx).share(16, 1);
    const first = collect(share.subscribe());
    tx.try_send(1);
    tx.try_send(2);
    await until(() => tx.length === 0);
    const late = share.subscribe();
    assertEq(late.lagged, 0);
    tx.close();
    assertEq(await first, [1, 2]);
    assertEq(await collect(late), [2]);
});

test('bind_to_list_store appends with a maximum and replaces', async () => {
    const store = Gio.ListStore.new(Row.$gtype);
    const rows = [0, 1, 2, 3, 4].map(n => new Row({n}));
    let ended = false;
    const id = Gcs.Stream.from_values(rows).chunks(2).on_end(() => {
        ended = true;
    }).bind_to_list_store(store, Gcs.ListStoreMode.APPEND, 3);
    assert(id > 0);
    await until(() => ended);
    const shown = [];
    for (let i = 0; i < store.get_n_items(); i++)
        shown.push(store.get_item(i).n);
    assertEq(shown, [2, 3, 4]);

    const replaced = Gio.ListStore.new(Row.$gtype);
    ended = false;
    Gcs.Stream.from_values(rows).chunks(2).on_end(() => {
        ended = true;
    }).bind_to_list_store(replaced, Gcs.ListStoreMode.REPLACE, 0);
    await until(() => ended);
    assertEq(replaced.get_n_items(), 1);
    assertEq(replaced.get_item(0).n, 4);
});

run();
