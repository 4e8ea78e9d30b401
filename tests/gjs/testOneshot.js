// GJS binding tests for the oneshot channel and Gcs.OneshotStream. Run with
// `gjs -m`; prints TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';
import {
    test, run, assert, assertEq, assertChannelError, assertThrowsChannelError,
    rejection, delay, withTimeout, collect,
} from './harness.js';

Gio._promisify(Gcs.OneshotReceiver.prototype, 'recv_async', 'recv_finish');
Gio._promisify(Gio.File.prototype, 'load_contents_async', 'load_contents_finish');

const CLOSED = Gcs.ChannelError.CLOSED;
const notFound = msg => new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND, msg);

test('construction and item-type', () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    assert(tx instanceof Gcs.OneshotSender && rx instanceof Gcs.OneshotReceiver, 'types');
    for (const end of [tx, rx]) {
        assert(end.item_type === GObject.TYPE_INT, 'item-type');
        assert(end.get_item_type() === GObject.TYPE_INT, 'get_item_type');
    }
    assertEq(tx.is_closed(), false, 'is_closed');
});

test('EMPTY, the value once, then CLOSED; a second send is CLOSED', async () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_STRING);
    assertThrowsChannelError(() => rx.try_recv(), Gcs.ChannelError.EMPTY, 'before the send');
    assertEq(tx.send('hello'), true, 'send');
    assertThrowsChannelError(() => tx.send('again'), CLOSED, 'second send');
    assertEq(rx.try_recv(), 'hello', 'try_recv');
    assertThrowsChannelError(() => rx.try_recv(), CLOSED, 'after the value');
    assertEq(await withTimeout(rx.recv_async(null)), null, 'recv after the value: the end');
});

test('numbers convert exactly or fail with TYPE; a refused send keeps the handle', () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    for (const bad of [1.5, '3', true, 2 ** 40])
        assertThrowsChannelError(() => tx.send(bad), Gcs.ChannelError.TYPE, `send ${bad}`);
    assertEq(tx.send(2.0), true, 'send 2.0');
    assertEq(rx.try_recv(), 2, 'received');

    const [tx64, rx64] = Gcs.oneshot_new(GObject.TYPE_INT64);
    tx64.send(2 ** 40);
    assertEq(rx64.try_recv(), 2 ** 40, 'int64');
});

test('send_error: try_recv and recv_finish raise it', async () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    assertEq(tx.send_error(notFound('no such file')), true, 'send_error');
    assertThrowsChannelError(() => tx.send(1), CLOSED, 'send after send_error');
    let error = null;
    try {
        rx.try_recv();
    } catch (e) {
        error = e;
    }
    assert(error?.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND), `try_recv raised ${error}`);
    assertEq(error.message, 'no such file', 'message');
    assertThrowsChannelError(() => rx.try_recv(), CLOSED, 'after the error');

    const [tx2, rx2] = Gcs.oneshot_new(GObject.TYPE_INT);
    tx2.send_error(notFound('gone'));
    const e = await rejection(withTimeout(rx2.recv_async(null)), 'recv');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND), `recv_finish raised ${e}`);
});

test('a sender closed unsent: CLOSED', async () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    const pending = rx.recv_async(null);
    await delay(10);
    tx.close();
    tx.close();
    assertChannelError(await rejection(withTimeout(pending), 'recv'), CLOSED, 'recv_finish');
    assertThrowsChannelError(() => tx.send(1), CLOSED, 'send after close');
    assertThrowsChannelError(() => rx.try_recv(), CLOSED, 'try_recv');
});

test('receiver close: is_closed, the send fails; a value sent before stays', () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    tx.send(5);
    rx.close();
    assertEq(tx.is_closed(), true, 'is_closed');
    assertEq(rx.try_recv(), 5, 'sent before the close');
    const [tx2, rx2] = Gcs.oneshot_new(GObject.TYPE_INT);
    rx2.close();
    assertThrowsChannelError(() => tx2.send(1), CLOSED, 'send after close');
});

test('recv_async waits for a send; a cancelled one takes nothing', async () => {
    const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_INT);
    const c = new Gio.Cancellable();
    const cancelled = rx.recv_async(c);
    await delay(10);
    c.cancel();
    tx.send(9);
    const e = await rejection(withTimeout(cancelled), 'cancelled recv');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `got ${e}`);
    assertEq(await withTimeout(rx.recv_async(null)), 9, 'the next receive');

    const [tx2, rx2] = Gcs.oneshot_new(GObject.TYPE_INT);
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        tx2.send(3);
        return GLib.SOURCE_REMOVE;
    });
    assertEq(await withTimeout(rx2.recv_async(null)), 3, 'woken by the send');
});

test('OneshotStream: one item, or empty, or the error', async () => {
    let [tx, rx] = Gcs.oneshot_new(GObject.TYPE_STRING);
    let s = Gcs.OneshotStream.new(rx);
    assert(s instanceof Gcs.OneshotStream && s instanceof Gcs.Stream, 'types');
    assert(s.get_receiver() === rx && s.receiver === rx, 'receiver');
    tx.send('x');
    assertEq(await collect(s), ['x'], 'one item');

    [tx, rx] = Gcs.oneshot_new(GObject.TYPE_STRING);
    s = Gcs.OneshotStream.new(rx);
    tx.close();
    assertEq(await collect(s), [], 'empty when closed unsent');

    [tx, rx] = Gcs.oneshot_new(GObject.TYPE_STRING);
    s = Gcs.OneshotStream.new(rx);
    tx.send_error(notFound('gone'));
    const e = await rejection(collect(s), 'collect');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND) && e.message === 'gone', `got ${e}`);
});

test('a GIO async call into a stream, inside flat_map', async () => {
    const dir = GLib.dir_make_tmp('gcs-gjs-XXXXXX');
    const write = (name, text) => GLib.file_set_contents(GLib.build_filenamev([dir, name]), text);
    write('a', 'alpha');
    write('b', 'beta');
    const [ptx, prx] = Gcs.channel_new_unbounded(GObject.TYPE_STRING);
    for (const name of ['a', 'b', 'a', 'missing', 'b'])
        ptx.try_send(GLib.build_filenamev([dir, name]));
    ptx.close();
    const loads = [];
    const seen = [];
    const load = path => {
        loads.push(GLib.path_get_basename(path));
        const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_STRING);
        Gio.File.new_for_path(path).load_contents_async(null)
            .then(([contents]) => tx.send(new TextDecoder().decode(contents)))
            .catch(e => tx.send_error(e));
        return Gcs.OneshotStream.new(rx);
    };
    const s = Gcs.ReceiverStream.new(prx).flat_map(load).inspect(v => seen.push(v));
    const e = await rejection(collect(s), 'collect');
    assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND), `got ${e}`);
    assertEq(seen, ['alpha', 'beta', 'alpha'], 'contents');
    assertEq(loads, ['a', 'b', 'a', 'missing'], 'loads');
    for (const name of ['a', 'b'])
        GLib.unlink(GLib.build_filenamev([dir, name]));
    GLib.rmdir(dir);
});

run();
