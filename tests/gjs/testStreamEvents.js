// GJS binding tests for streams of events: search as you type
// (from_property -> debounce -> distinct_until_changed -> switch_map),
// time combinators, from_property, from_signal. Run with `gjs -m`; prints
// TAP.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// GJS has no threads: a query answers from a GLib timeout on the main
// loop, through an mpsc channel whose receiver is the query's stream.
// Time is real: tests wait for what they expect (with a generous
// deadline) and assert orderings and counts, never durations.

import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Gio from 'gi://Gio';
import Gcs from 'gi://Gcs?version=1.0';
import system from 'system';

const TIMEOUT_MS = 10000;
const ERR = Gcs.channel_error_quark();

// --- a small harness ---------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({name, fn});

function repr(v) {
    if (Array.isArray(v))
        return `[${v.map(repr).join(', ')}]`;
    if (typeof v === 'string')
        return JSON.stringify(v);
    return String(v);
}

function assert(cond, msg = 'assertion failed') {
    if (!cond)
        throw new Error(msg);
}

function assertEq(actual, expected, what = 'value') {
    if (repr(actual) !== repr(expected))
        throw new Error(`${what}: expected ${repr(expected)}, got ${repr(actual)}`);
}

function delay(ms) {
    return new Promise(resolve => {
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, ms, () => {
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    });
}

function withTimeout(promise, ms = TIMEOUT_MS) {
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

// Resolves once cond() holds, checking every few ms.
function until(cond, what = 'condition') {
    return withTimeout(new Promise(resolve => {
        if (cond()) {
            resolve();
            return;
        }
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
            if (!cond())
                return GLib.SOURCE_CONTINUE;
            resolve();
            return GLib.SOURCE_REMOVE;
        });
    })).catch(e => {
        throw new Error(`waiting for ${what}: ${e.message}`);
    });
}

// for_each_async: .items as they come, .done and .error at the end.
function each(stream, cancellable = null) {
    const state = {items: [], done: false, error: null};
    stream.for_each_async(item => state.items.push(item), cancellable, (s, res) => {
        try {
            s.for_each_finish(res);
        } catch (e) {
            state.error = e;
        }
        state.done = true;
    });
    return state;
}

// --- test objects ----------------------------------------------------------

// A stand-in for a search entry. Setting the text always notifies, as a
// GtkEditable does on each change.
const Entry = GObject.registerClass({
    Properties: {
        'text': GObject.ParamSpec.string('text', 'Text', 'The text',
            GObject.ParamFlags.READWRITE, ''),
    },
    Signals: {
        'ping': {},
        'one': {param_types: [GObject.TYPE_INT]},
    },
}, class Entry extends GObject.Object {
    get text() {
        return this._text ?? '';
    }

    set text(value) {
        this._text = value;
        this.notify('text');
    }
});

// Queries answered from a GLib timeout once their gate opens, unless
// cancelled by then.
class SearchService {
    constructor() {
        this.started = [];
        this.queries = new Map();   // text -> {cancellable, tx, outcome}
    }

    // The switch_map function.
    query(text, cancellable) {
        const [tx, rx] = Gcs.channel_new(GObject.TYPE_STRING, 4);
        this.started.push(text);
        this.queries.set(text, {cancellable, tx, outcome: null});
        return Gcs.ReceiverStream.new(rx);
    }

    openGates() {
        for (const [text, q] of this.queries) {
            if (q.outcome !== null)
                continue;
            q.outcome = 'pending';
            GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, () => {
                if (q.cancellable.is_cancelled()) {
                    q.outcome = 'cancelled';
                    // Its stream was released; the JS wrappers of its
                    // receiver and stream keep the channel open until
                    // they are collected.
                    system.gc();
                    q.closed = q.tx.is_closed();
                } else {
                    for (let i = 0; i < 3; i++)
                        q.tx.try_send(`${text}-${i}`);
                    q.outcome = 'answered';
                }
                q.tx.close();
                return GLib.SOURCE_REMOVE;
            });
        }
    }
}

// --- tests -------------------------------------------------------------------

test('search as you type: only the last query answers', async () => {
    const entry = new Entry();
    const service = new SearchService();
    const results = each(Gcs.Stream.from_property(entry, 'text')
        .debounce(50)
        .distinct_until_changed()
        .switch_map((text, cancellable) => service.query(text, cancellable)));

    // Typing fast: one query, for what was typed last.
    for (const text of ['a', 'ab', 'abc'])
        entry.text = text;
    await until(() => service.started.length > 0, 'the first query');
    assertEq(service.started, ['abc'], 'queries started');

    // A new text while the query runs: it is cancelled, a new one starts.
    entry.text = 'abcd';
    await until(() => service.started.length === 2, 'the second query');
    assertEq(service.started, ['abc', 'abcd'], 'queries started');
    assert(service.queries.get('abc').cancellable.is_cancelled(), 'abc cancelled');
    assert(!service.queries.get('abcd').cancellable.is_cancelled(), 'abcd not cancelled');

    // The same text again: no new query.
    entry.text = 'abcd';
    await delay(150);

    service.openGates();
    await until(() => results.items.length === 3, 'the results');
    assertEq(results.items, ['abcd-0', 'abcd-1', 'abcd-2'], 'results');
    assertEq(service.started, ['abc', 'abcd'], 'queries started');
    await until(() => service.queries.get('abc').outcome === 'cancelled', 'abc to stop');
    assert(service.queries.get('abc').closed, 'the channel of abc is closed');
    assertEq(service.queries.get('abcd').outcome, 'answered', 'abcd');

    // The entry goes: the pipeline ends, cleanly.
    assert(!results.done, 'still running');
    entry.run_dispose();
    await until(() => results.done, 'the end');
    assert(results.error === null, `no error: ${results.error}`);
    assertEq(results.items, ['abcd-0', 'abcd-1', 'abcd-2'], 'results');
});

test('search as you type: releasing the pipeline cancels the query', async () => {
    const entry = new Entry();
    const service = new SearchService();
    const cancellable = new Gio.Cancellable();
    const results = each(Gcs.Stream.from_property(entry, 'text')
        .debounce(20)
        .switch_map((text, c) => service.query(text, c)), cancellable);

    entry.text = 'x';
    await until(() => service.started.includes('x'), 'the query');
    cancellable.cancel();
    await until(() => results.done, 'the end');
    assert(results.error?.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED), `cancelled: ${results.error}`);
    assert(service.queries.get('x').cancellable.is_cancelled(), 'the query is cancelled');
    // Released by the pipeline; the JS wrappers go at the next collection.
    await delay(0);
    system.gc();
    assert(service.queries.get('x').tx.is_closed(), 'its channel is closed');
});

test('interval', async () => {
    const ticks = each(Gcs.Stream.interval(5).take(4));
    await until(() => ticks.done, 'the end');
    assert(ticks.error === null, `no error: ${ticks.error}`);
    assertEq(ticks.items, [0, 1, 2, 3], 'ticks');
});

test('debounce and throttle of a burst', async () => {
    const [tx, rx] = Gcs.channel_new_unbounded(GObject.TYPE_INT);
    const last = each(Gcs.ReceiverStream.new(rx).debounce(30));
    const [tx2, rx2] = Gcs.channel_new_unbounded(GObject.TYPE_INT);
    const first = each(Gcs.ReceiverStream.new(rx2).throttle(10000));
    for (let i = 0; i < 5; i++) {
        tx.try_send(i);
        tx2.try_send(i);
    }
    tx.close();
    tx2.close();
    await until(() => last.done && first.done, 'the ends');
    assertEq(last.items, [4], 'debounce');
    assertEq(first.items, [0], 'throttle');
});

test('timeout', async () => {
    const [tx, rx] = Gcs.channel_new_unbounded(GObject.TYPE_INT);
    const s = each(Gcs.ReceiverStream.new(rx).timeout(20));
    await until(() => s.done, 'the timeout');
    assert(s.error?.matches(ERR, Gcs.ChannelError.TIMEOUT), `TIMEOUT: ${s.error}`);
    await delay(0);
    system.gc();
    assert(tx.is_closed(), 'the channel is released');
});

test('from_property and from_signal', async () => {
    // Lazy and coalescing (API.md, "Bridges are lazy and bounded"; this
    // test expected every change queued from the streams' creation).
    const entry = new Entry();
    const texts = each(Gcs.Stream.from_property(entry, 'text'));
    const pings = each(Gcs.Stream.from_signal(entry, 'ping'));
    const ones = each(Gcs.Stream.from_signal(entry, 'one'));
    entry.emit('one', 6);   // before the first poll: not seen
    await until(() => texts.items.length === 1, 'the first poll');
    await delay(10);
    for (let i = 0; i < 5; i++)
        entry.text = `${i}`;
    entry.emit('ping');
    entry.emit('one', 7);
    entry.emit('one', 8);
    await until(() => texts.items.at(-1) === '4' && pings.items.length === 1 && ones.items.length === 2,
        'the items');
    assertEq(texts.items, ['', '4'], 'texts, coalesced');
    assert(pings.items[0] === entry, 'a signal without parameters gives the instance');
    assertEq(ones.items, [7, 8], 'ones');
    entry.run_dispose();
    await until(() => texts.done && pings.done && ones.done, 'the ends');
    for (const s of [texts, pings, ones])
        assert(s.error === null, `no error: ${s.error}`);
});

test('lines of an input stream', async () => {
    const bytes = new GLib.Bytes(new TextEncoder().encode('one\r\ntwo\n\nlast'));
    const lines = each(Gcs.Stream.from_input_stream_lines(Gio.MemoryInputStream.new_from_bytes(bytes)));
    await until(() => lines.done, 'the end');
    assert(lines.error === null, `no error: ${lines.error}`);
    assertEq(lines.items, ['one', 'two', '', 'last'], 'lines');
});

// --- run -----------------------------------------------------------------

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
