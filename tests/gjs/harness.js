// A small TAP harness shared by the GJS tests of the oneshot, watch and
// broadcast channels (testChannel.js keeps its own copy).
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';
import system from 'system';

export const TIMEOUT_MS = 10000;
export const ERR = Gcs.channel_error_quark();

const tests = [];
export const test = (name, fn) => tests.push({name, fn});

export function repr(v) {
    if (typeof v === 'bigint')
        return `${v}n`;
    if (Array.isArray(v))
        return `[${v.map(repr).join(', ')}]`;
    if (typeof v === 'string')
        return JSON.stringify(v);
    return String(v);
}

export function assert(cond, msg = 'assertion failed') {
    if (!cond)
        throw new Error(msg);
}

export function assertEq(actual, expected, what = 'value') {
    if (repr(actual) !== repr(expected) || typeof actual !== typeof expected)
        throw new Error(`${what}: expected ${repr(expected)} (${typeof expected}), got ${repr(actual)} (${typeof actual})`);
}

export function assertChannelError(e, code, what = 'error') {
    assert(e instanceof GLib.Error, `${what}: expected a GLib.Error, got ${e}`);
    assert(e.matches(ERR, code), `${what}: expected channel error ${code}, got ${e.domain}:${e.code} ${e.message}`);
    assert(e.matches(Gcs.ChannelError, code), `${what}: does not match Gcs.ChannelError`);
}

export function assertThrowsChannelError(fn, code, what) {
    let error = null;
    try {
        fn();
    } catch (e) {
        error = e;
    }
    assert(error !== null, `${what}: did not throw`);
    assertChannelError(error, code, what);
    return error;
}

// Resolves to the GLib.Error the promise rejects with; fails if it resolves.
export async function rejection(promise, what) {
    try {
        const v = await promise;
        throw new Error(`${what}: resolved to ${repr(v)}`);
    } catch (e) {
        if (!(e instanceof GLib.Error))
            throw e;
        return e;
    }
}

export function delay(ms) {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

export function withTimeout(promise, ms = TIMEOUT_MS) {
    let id = 0;
    const timeout = new Promise((_, reject) => {
        id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            id = 0;
            reject(new Error(`timed out after ${ms} ms`));
            return GLib.SOURCE_REMOVE;
        });
    });
    return Promise.race([promise, timeout]).finally(() => {
        if (id)
            GLib.source_remove(id);
    });
}

// Iterates the default context until cond() holds.
export async function until(cond, what = 'condition') {
    const deadline = GLib.get_monotonic_time() + TIMEOUT_MS * 1000;
    while (!cond()) {
        if (GLib.get_monotonic_time() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        // eslint-disable-next-line no-await-in-loop
        await delay(1);
    }
}

// (gchanstream.js, when a test imports it first, promisifies these itself.)
if (!Gcs.Stream.prototype.next_async.toString().includes('new Promise')) {
    Gio._promisify(Gcs.Stream.prototype, 'next_async', 'next_finish');
    Gio._promisify(Gcs.Stream.prototype, 'for_each_async', 'for_each_finish');
}

// The items of a stream, through next_async until the end (GJS 1.74 hands
// collect's sequence item over as an opaque GObject.ValueArray).
export async function collect(stream) {
    const items = [];
    for (;;) {
        // eslint-disable-next-line no-await-in-loop
        const v = await withTimeout(stream.next_async(null));
        if (v === null)
            return items;
        items.push(v);
    }
}

export function run() {
    const loop = new GLib.MainLoop(null, false);
    let failures = 0;

    print(`1..${tests.length}`);
    (async () => {
        for (const [i, {name, fn}] of tests.entries()) {
            try {
                // eslint-disable-next-line no-await-in-loop
                await withTimeout(Promise.resolve().then(fn));
                print(`ok ${i + 1} - ${name}`);
            } catch (e) {
                failures++;
                print(`not ok ${i + 1} - ${name}`);
                printerr(`# ${e}\n${e.stack ?? ''}`);
            }
        }
    })().finally(() => loop.quit());
    loop.run();
    system.exit(failures > 0 ? 1 : 0);
}
