// Search as you type over a word list: a GTK 4 demo of gchanstream in GJS.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The pipeline:
//
//   Gcs.Stream.from_property(entry, 'text')   each text of the search entry
//     .debounce(150)                          once typing pauses for 150 ms
//     .distinct_until_changed()               only when the text changed
//     .switch_map(query)                      a search per text; a newer
//                                             text cancels the older search
//     .take_until_disposed(window)            ends with the window
//     .for_each_async(showResults)            fills the list
//
// Where the search runs. GJS runs JavaScript on the main thread only: a
// worker thread (Gio.Task.run_in_thread, say) calling back into JS is
// refused ("Attempting to call back into JSAPI on a different thread", a
// critical). A Gio.Subprocess (grep, say) would run elsewhere, but costs a
// process per keystroke and brings another program's idea of "case
// insensitive" and of the word list. So the search runs on the main thread,
// cooperatively: an idle source at PRIORITY_DEFAULT_IDLE (below input and
// drawing) matches SLICE words per dispatch, and looks at the
// Gio.Cancellable that switch_map passes before each slice, so a superseded
// search stops within one slice. It answers through a oneshot channel
// (Gcs.oneshot_new + Gcs.OneshotStream.new(rx)), exactly as a thread would.
// A superseded search's results never reach the list: if it still answers,
// either its send fails with CLOSED (switch_map already released the
// receiver) or the answer is dropped unread with the receiver.
//
// Search: case-insensitive prefix match of the query over the words, in file
// order; at most SHOW_LIMIT rows are shown, the label gives the full count;
// an empty query shows no rows.
//
// Run:   gjs -m search.js [--words FILE] [--slow MS]
// Test:  gjs -m search.js --self-test [--screenshot FILE]
// (exit 0 passed, 1 failed, 3 timed out, 77 no display)

// The gchanstream GJS module (Promises, sequences as arrays, for await),
// from the source tree; an installed application imports the installed
// copy, 'file://<prefix>/share/gjs-1.0/gchanstream.js' (README.md,
// "Install and use").
import Gcs from '../../../introspection/gjs/gchanstream.js';
import Gdk from 'gi://Gdk?version=4.0';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import GObject from 'gi://GObject';
import Graphene from 'gi://Graphene';
import Gtk from 'gi://Gtk?version=4.0';
import Pango from 'gi://Pango';
import system from 'system';

const APP_ID = 'org.gchanstream.demo.SearchGjs';
const DEBOUNCE_MS = 150;
const SHOW_LIMIT = 200;
const SLICE = 4096;          // words searched per idle dispatch
const HERE = GLib.path_get_dirname(GLib.filename_from_uri(import.meta.url)[0]);
const DEFAULT_WORDS = GLib.build_filenamev([HERE, '..', 'data', 'words.txt']);

// The scripted run (--self-test).
const TEST_TYPE = 'appl';      // typed one character at a time (--type)
const TEST_KEY_GAP_MS = 30;    // from a search's start to the next keystroke
const TEST_SLOW_MS = 300;      // each search takes at least this long
const TEST_TIMEOUT_S = 45;     // the in-loop guard

// --- options -------------------------------------------------------------------

function usage() {
    return `Usage: gjs -m search.js [--words FILE] [--slow MS] [--self-test [--screenshot FILE]]
Search as you type (gchanstream, GTK 4, GJS).
  --words FILE       the word list, one word a line (default: ${DEFAULT_WORDS})
  --slow MS          make each search take at least MS ms, to watch superseded
                     searches stop (self-test: ${TEST_SLOW_MS})
  --self-test        type into the entry, check the window, exit
  --type TEXT        with --self-test: the text to type (default: ${TEST_TYPE})
  --screenshot FILE  with --self-test: save a PNG of the window at the end`;
}

function parseOptions(args) {
    const o = {words: DEFAULT_WORDS, slow: null, selfTest: false, screenshot: null,
        failQuery: null, failSearch: null, type: TEST_TYPE, timeout: TEST_TIMEOUT_S};
    for (let i = 0; i < args.length; i++) {
        let [name, value] = args[i].split(/=(.*)/s);
        const takesValue = ['--words', '--slow', '--screenshot', '--type', '--fail-query', '--fail-search', '--timeout'];
        if (takesValue.includes(name) && value === undefined) {
            if (i + 1 >= args.length)
                throw new Error(`${name} needs a value`);
            value = args[++i];
        }
        switch (name) {
        case '--words': o.words = value; break;
        case '--slow': o.slow = Number.parseInt(value, 10); break;
        case '--screenshot': o.screenshot = value; break;
        case '--type': o.type = value; break;
        case '--fail-query': o.failQuery = value; break;     // throw in the switch_map callback
        case '--fail-search': o.failSearch = value; break;   // throw in the search
        case '--timeout': o.timeout = Number.parseInt(value, 10); break;
        case '--self-test': o.selfTest = true; break;
        case '--help': case '-h': print(usage()); system.exit(0); break;
        default: throw new Error(`unknown option ${args[i]}`);
        }
        if ((name === '--slow' || name === '--timeout') &&
            !(Number.isInteger(o[name.slice(2)]) && o[name.slice(2)] >= 0))
            throw new Error(`${name}: not a number of ms/s: ${value}`);
    }
    if (o.screenshot && !o.selfTest)
        throw new Error('--screenshot needs --self-test');
    if (!o.type)
        throw new Error('--type needs a text');
    return o;
}

// --- searching (cooperatively, on the main loop) -----------------------------

function loadWords(path) {
    const [, bytes] = GLib.file_get_contents(path);
    const words = new TextDecoder().decode(bytes).split('\n')
        .map(w => w.replace(/\r$/, '')).filter(w => w.length > 0);
    return [words, words.map(w => w.toLowerCase())];
}

class Searcher {
    constructor(words, folded, slowMs = 0, failQuery = null, failSearch = null) {
        this.words = words;
        this.folded = folded;
        this.slowMs = slowMs;
        this.failQuery = failQuery;
        this.failSearch = failSearch;
        this.queries = [];          // every query, in the order started
        this.startedHook = null;    // called with each query
    }

    // The switch_map function: the stream of the (single) result of a
    // search for @text, a GLib.Variant (query, total, shown).
    query(text, cancellable) {
        if (text === this.failQuery) {
            // A bug in a callback: GJS makes the exception a GError that
            // ends the pipeline, and the window reports it.
            throw new Error(`search for “${text}” refused (--fail-query)`);
        }
        const query = {text, cancellable, outcome: 'running', finished: false};
        this.queries.push(query);
        const [tx, rx] = Gcs.oneshot_new(GObject.TYPE_VARIANT);
        if (text === '') {
            // Nothing to search: no rows, answered at once.
            tx.send(new GLib.Variant('(suas)', ['', 0, []]));
            query.outcome = 'sent';
            query.finished = true;
        } else {
            this._run(query, tx);
        }
        this.startedHook?.(query);
        return Gcs.OneshotStream.new(rx);
    }

    _run(query, tx) {
        const {words, folded} = this;
        const needle = query.text.toLowerCase();
        const started = GLib.get_monotonic_time();
        const shown = [];
        let total = 0;
        let i = 0;

        const finish = outcome => {
            tx.close();
            query.outcome = outcome;
            query.finished = true;
            return GLib.SOURCE_REMOVE;
        };
        const answer = () => {
            try {
                tx.send(new GLib.Variant('(suas)', [query.text, total, shown]));
                return finish('sent');
            } catch (e) {
                if (e instanceof GLib.Error && e.matches(Gcs.channel_error_quark(), Gcs.ChannelError.CLOSED))
                    return finish('discarded');
                return fail(e);
            }
        };
        // Anything else fails the pipeline, and the window says so.
        const fail = e => {
            printerr(`search for “${query.text}” failed: ${e}\n${e.stack ?? ''}`);
            try {
                tx.send_error(new GLib.Error(Gio.IOErrorEnum, Gio.IOErrorEnum.FAILED, String(e)));
            } catch (e2) {
                printerr(`and could not say so: ${e2}`);
            }
            return finish('failed');
        };
        // --slow: pretend the search is expensive, still cancellable.
        const waitSlow = () => {
            if (query.cancellable.is_cancelled())
                return finish('cancelled');
            if ((GLib.get_monotonic_time() - started) / 1000 < this.slowMs)
                return GLib.SOURCE_CONTINUE;
            return answer();
        };

        GLib.idle_add(GLib.PRIORITY_DEFAULT_IDLE, () => {
            if (query.cancellable.is_cancelled())
                return finish('cancelled');
            try {
                if (query.text === this.failSearch)
                    throw new Error(`search for “${query.text}” broke (--fail-search)`);
                const end = Math.min(i + SLICE, words.length);
                for (; i < end; i++) {
                    if (folded[i].startsWith(needle)) {
                        total++;
                        if (shown.length < SHOW_LIMIT)
                            shown.push(words[i]);
                    }
                }
            } catch (e) {
                return fail(e);
            }
            if (i < words.length)
                return GLib.SOURCE_CONTINUE;
            if ((GLib.get_monotonic_time() - started) / 1000 < this.slowMs) {
                GLib.timeout_add(GLib.PRIORITY_DEFAULT, 5, waitSlow);
                return GLib.SOURCE_REMOVE;
            }
            return answer();
        });
    }
}

// --- the window ----------------------------------------------------------------

function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function matchesLabel(total, query) {
    return `${group(total)} ${total === 1 ? 'match' : 'matches'} for “${query}”`;
}

const CSS = `
.word-row { padding: 6px 12px; }
.status { font-feature-settings: "tnum"; }
.hint { font-size: 1.2em; }
`;

// The pipeline of a window. take_until_disposed(window) ends it once the
// window is disposed. In GTK 4, destroy() only drops GTK's own reference:
// the window is disposed once nothing else holds it, and the pipeline holds
// its JS callbacks (rooted while C holds them). A callback that captured
// the window would keep it alive as long as the pipeline runs, that is
// forever. A WeakRef does not help in GJS 1.74.2: once a WeakRef to the
// window had been created, destroy() and System.gc() never disposed it
// (measured). So the callbacks reach the view through a link that closing
// the window cuts; the window's JS wrapper then goes at the next GC.
function startPipeline(view, searcher, state) {
    const link = {view};
    view.window.connect('close-request', () => {
        link.view = null;
        return false;   // and GTK destroys the window
    });

    searcher.startedHook = query => link.view?.showSearching(query.text);
    Gcs.Stream.from_property(view.entry, 'text')
        .debounce(DEBOUNCE_MS)
        .distinct_until_changed()
        .switch_map((text, cancellable) => searcher.query(text, cancellable))
        .take_until_disposed(view.window)
        .for_each_async(result => {
            const [query, total, shown] = result.deepUnpack();
            state.deliveries.push([query, searcher.queries.at(-1).text]);
            state.shownQuery = query;
            link.view?.showResults(query, total, shown);
        }, null, (stream, res) => {
            state.done = true;
            try {
                stream.for_each_finish(res);
            } catch (e) {
                // A failed pipeline stops searching: say so, loudly.
                state.error = e;
                printerr(`search pipeline failed: ${e.message}`);
                link.view?.showFailure(e.message);
            }
        });
}

class SearchView {
    constructor(app, nWords, state) {
        this.nWords = nWords;
        const window = new Gtk.ApplicationWindow({application: app, title: 'Word search'});
        window.set_default_size(420, 560);
        this.window = window;

        const header = new Gtk.HeaderBar();
        const titles = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL, valign: Gtk.Align.CENTER});
        const title = new Gtk.Label({label: 'Word search'});
        title.add_css_class('title');
        const subtitle = new Gtk.Label({label: `${group(nWords)} words · gchanstream · GJS`});
        subtitle.add_css_class('subtitle');
        titles.append(title);
        titles.append(subtitle);
        header.set_title_widget(titles);
        window.set_titlebar(header);

        const box = new Gtk.Box({orientation: Gtk.Orientation.VERTICAL, spacing: 8,
            margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12});
        this.entry = new Gtk.SearchEntry({placeholder_text: `Search ${group(nWords)} words`, hexpand: true});
        this.entry.connect('stop-search', e => e.set_text(''));
        this.entry.set_key_capture_widget(window);
        box.append(this.entry);

        const statusRow = new Gtk.Box({spacing: 6});
        this.spinner = new Gtk.Spinner({visible: false});
        this.status = new Gtk.Label({xalign: 0, hexpand: true, ellipsize: Pango.EllipsizeMode.END});
        this.status.add_css_class('status');
        this.status.add_css_class('dim-label');
        this.more = new Gtk.Label({xalign: 1});
        this.more.add_css_class('dim-label');
        statusRow.append(this.spinner);
        statusRow.append(this.status);
        statusRow.append(this.more);
        box.append(statusRow);

        this.model = new Gtk.StringList();
        // Handlers that don't hold the window (see startPipeline).
        const factory = new Gtk.SignalListItemFactory();
        factory.connect('setup', (f, item) => {
            const label = new Gtk.Label({xalign: 0});
            label.add_css_class('word-row');
            item.set_child(label);
        });
        factory.connect('bind', (f, item) => {
            // The query's part of the word in bold.
            const word = item.get_item().get_string();
            const n = state.shownQuery.toLowerCase().length;
            item.get_child().set_markup(
                `<b>${GLib.markup_escape_text(word.slice(0, n), -1)}</b>${GLib.markup_escape_text(word.slice(n), -1)}`);
        });
        const listView = new Gtk.ListView({model: new Gtk.NoSelection({model: this.model}), factory});
        this.scrolled = new Gtk.ScrolledWindow({child: listView, vexpand: true,
            hscrollbar_policy: Gtk.PolicyType.NEVER});

        this.placeholder = new Gtk.Label({wrap: true, justify: Gtk.Justification.CENTER});
        this.placeholder.add_css_class('hint');
        this.placeholder.add_css_class('dim-label');
        this.stack = new Gtk.Stack();
        this.stack.add_named(this.scrolled, 'list');
        this.stack.add_named(this.placeholder, 'placeholder');
        box.append(new Gtk.Frame({child: this.stack}));
        window.set_child(box);
        this._showPlaceholder('Type the start of a word');
        this.status.set_text(`Type to search ${group(nWords)} words`);
    }

    _showPlaceholder(text) {
        this.placeholder.set_text(text);
        this.stack.set_visible_child_name('placeholder');
    }

    showSearching(query) {
        if (query) {
            this.spinner.set_visible(true);
            this.spinner.start();
            this.status.set_text(`Searching for “${query}”…`);
        }
    }

    showResults(query, total, shown) {
        this.spinner.stop();
        this.spinner.set_visible(false);
        this.model.splice(0, this.model.get_n_items(), shown);
        if (query === '') {
            this.status.set_text(`Type to search ${group(this.nWords)} words`);
            this.more.set_text('');
            this._showPlaceholder('Type the start of a word');
            return;
        }
        this.status.set_text(matchesLabel(total, query));
        this.more.set_text(total > shown.length ? `first ${SHOW_LIMIT} shown` : '');
        if (total === 0) {
            this._showPlaceholder(`No word starts with “${query}”`);
        } else {
            this.stack.set_visible_child_name('list');
            this.scrolled.get_vadjustment().set_value(0);
        }
    }

    showFailure(message) {
        this.spinner.stop();
        this.spinner.set_visible(false);
        this.status.remove_css_class('dim-label');
        this.status.add_css_class('error');
        this.status.set_text(`Search failed: ${message}`);
        this.more.set_text('');
        // Typing can't search any more. (Focus moves first: a focused
        // GtkText made insensitive warns that it missed its focus-out.)
        this.window.set_focus(null);
        this.entry.set_sensitive(false);
        this._showPlaceholder(`The search stopped working.\n${message}`);
    }
}

// --- screenshots -----------------------------------------------------------------

// Renders @widget as it is now into a PNG; false if it has no content yet.
function saveWidgetPng(widget, path) {
    const width = widget.get_width(), height = widget.get_height();
    if (width <= 0 || height <= 0)
        return false;
    const snapshot = new Gtk.Snapshot();
    Gtk.WidgetPaintable.new(widget).snapshot(snapshot, width, height);
    const node = snapshot.to_node();
    if (!node)
        return false;
    const rect = new Graphene.Rect();
    rect.init(0, 0, width, height);
    const texture = widget.get_native().get_renderer().render_texture(node, rect);
    return texture.save_to_png(path);
}

// Calls func() once the next frame of @widget has been painted.
function afterNextPaint(widget, func) {
    const clock = widget.get_frame_clock();
    const id = clock.connect('after-paint', () => {
        clock.disconnect(id);
        func();
    });
    widget.queue_draw();
}

// --- the scripted run ----------------------------------------------------------

class AssertionFailed extends Error {}

// Types the text into the entry, one character at a time, each after the
// previous search started, then checks the window.
class SelfTest {
    constructor(app, view, searcher, state, options) {
        this.app = app;
        this.view = view;
        this.searcher = searcher;
        this.state = state;
        this.options = options;
        this.phase = 'starting';
        this.typing = Array.from(options.type, (_, i) => options.type.slice(0, i + 1));
        this.typed = [];
    }

    log(message) {
        print(`self-test: ${message}`);
    }

    fail(message) {
        this.log(`FAIL: ${message}`);
        this.app.finish(1);
    }

    check(cond, message) {
        if (!cond)
            throw new AssertionFailed(message);
    }

    // Runs then() once cond() holds, looking every 10 ms.
    wait(cond, then, phase) {
        this.phase = phase;
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
            try {
                if (!cond())
                    return GLib.SOURCE_CONTINUE;
                then();
            } catch (e) {
                if (!(e instanceof AssertionFailed))
                    printerr(`${e}\n${e.stack ?? ''}`);
                this.fail(e.message);
            }
            return GLib.SOURCE_REMOVE;
        });
    }

    started() {
        return this.searcher.queries.map(q => q.text);
    }

    start() {
        // The pipeline answers the entry's initial empty text first.
        this.wait(() => this.state.deliveries.length > 0, () => this.typeNext(),
            'waiting for the answer to the empty text');
    }

    typeNext() {
        const text = this.typing[this.typed.length];
        this.typed.push(text);
        this.view.entry.set_text(text);
        this.view.entry.set_position(-1);
        if (this.typed.length < this.typing.length) {
            // The next key comes shortly after this text's search started.
            this.wait(() => this.started().at(-1) === text, () => {
                GLib.timeout_add(GLib.PRIORITY_DEFAULT, TEST_KEY_GAP_MS, () => {
                    this.typeNext();
                    return GLib.SOURCE_REMOVE;
                });
            }, `waiting for the search for “${text}” to start`);
        } else {
            this.wait(() => this.settled(), () => this.verify(),
                `waiting for the results for “${text}”`);
        }
    }

    settled() {
        const final = this.typing.at(-1);
        return (this.state.deliveries.some(([q]) => q === final) &&
                this.searcher.queries.every(q => q.finished)) || this.state.done;
    }

    // Independent of the search code: a regular expression over the raw file.
    expected(query) {
        const [, bytes] = GLib.file_get_contents(this.options.words);
        const text = new TextDecoder().decode(bytes);
        const escaped = query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return text.match(new RegExp(`^${escaped}[^\\r\\n]*`, 'gmi')) ?? [];
    }

    verify() {
        const {view, state, searcher} = this;
        const final = this.typing.at(-1);
        const repr = v => JSON.stringify(v);
        this.check(!state.done, `the pipeline ended early: ${state.error}`);

        // Which searches ran.
        const started = this.started();
        this.check(repr(started) === repr(['', ...this.typing]),
            `searches started: ${repr(started)}, expected ${repr(['', ...this.typing])}`);

        // Only current results reached the list: each result set was for
        // the latest search started when it arrived, and the final search's
        // exactly once, last.
        for (const [query, latest] of state.deliveries) {
            this.check(query === latest,
                `results for “${query}” arrived after the search for “${latest}” had started`);
        }
        const deliveredQueries = state.deliveries.map(([q]) => q);
        this.check(deliveredQueries.filter(q => q === final).length === 1 &&
            deliveredQueries.at(-1) === final, `deliveries: ${repr(state.deliveries)}`);

        // Superseded searches were cancelled (unless they had answered in
        // time) and stopped. One may have sent its answer just before it was
        // superseded: switch_map then released its oneshot unread, which the
        // checks of the deliveries above cover.
        for (const q of searcher.queries.slice(0, -1)) {
            this.check(q.cancellable.is_cancelled() || deliveredQueries.includes(q.text),
                `the superseded search for “${q.text}” was not cancelled`);
            this.check(['cancelled', 'discarded', 'sent'].includes(q.outcome),
                `superseded “${q.text}”: ${q.outcome}`);
        }
        const last = searcher.queries.at(-1);
        this.check(last.outcome === 'sent' && !last.cancellable.is_cancelled(),
            `the final search: ${last.outcome}`);

        // The widgets.
        const expected = this.expected(final);
        const items = [];
        for (let i = 0; i < view.model.get_n_items(); i++)
            items.push(view.model.get_string(i));
        this.check(repr(items) === repr(expected.slice(0, SHOW_LIMIT)),
            `the list holds ${items.length} words ${repr(items.slice(0, 3))}..., ` +
            `expected ${expected.slice(0, SHOW_LIMIT).length} ${repr(expected.slice(0, 3))}...`);
        const label = view.status.get_text();
        this.check(label === matchesLabel(expected.length, final),
            `label ${repr(label)}, expected ${repr(matchesLabel(expected.length, final))}`);
        const more = expected.length > SHOW_LIMIT ? `first ${SHOW_LIMIT} shown` : '';
        this.check(view.more.get_text() === more, `note ${repr(view.more.get_text())}, expected ${repr(more)}`);
        const page = expected.length > 0 ? 'list' : 'placeholder';
        this.check(view.stack.get_visible_child_name() === page, `the ${page} is not shown`);

        this.log(`searches started: ${started.map(t => `“${t}”`).join(', ')}`);
        this.log(`outcomes: ${searcher.queries.map(q => `“${q.text}” ${q.outcome}`).join(', ')}`);
        this.log(`result sets shown: ${deliveredQueries.map(q => `“${q}”`).join(', ')}`);
        const ends = items.length > 1 ? [items[0], items.at(-1)] : items;
        this.log(`list: ${items.length} words (${ends.join(' ... ')}); label: ${label}${more ? ` (${more})` : ''}`);
        this.screenshotThenClose();
    }

    screenshotThenClose() {
        if (!this.options.screenshot) {
            this.close();
            return;
        }
        this.phase = 'taking the screenshot';
        afterNextPaint(this.view.window, () => {
            const {window} = this.view;
            if (!saveWidgetPng(window, this.options.screenshot)) {
                this.fail(`could not save ${this.options.screenshot}`);
                return;
            }
            this.log(`saved ${this.options.screenshot} (${window.get_width()}x${window.get_height()})`);
            this.close();
        });
    }

    close() {
        // The window goes, as when the user closes it; once nothing holds
        // it, it is disposed, and take_until_disposed ends the pipeline,
        // cleanly. (Dropping the last JS references lets GC release it.)
        this.view.window.close();
        this.view = null;
        this.wait(() => {
            system.gc();
            return this.state.done;
        }, () => this.done(), 'waiting for the pipeline to end');
    }

    done() {
        this.check(this.state.error === null, `the pipeline failed: ${this.state.error}`);
        this.wait(() => this.searcher.queries.every(q => q.finished), () => {
            this.log('window closed, pipeline ended without error; passed');
            this.app.finish(0);
        }, 'waiting for the searches to stop');
    }
}

// With --fail-query (the switch_map callback throws) or --fail-search (the
// search throws, and sends the error through the oneshot): the pipeline
// fails, and the window says so.
class FailureTest extends SelfTest {
    start() {
        this.wait(() => this.state.deliveries.length > 0, () => {
            this.view.entry.set_text(this.options.failQuery ?? this.options.failSearch);
            this.wait(() => this.state.done, () => this.verifyFailure(),
                'waiting for the pipeline to fail');
        }, 'waiting for the answer to the empty text');
    }

    verifyFailure() {
        const {view, state} = this;
        this.check(state.error !== null, 'the pipeline ended without an error');
        const label = view.status.get_text();
        const fragment = this.options.failQuery !== null ? 'refused (--fail-query)' : 'broke (--fail-search)';
        this.check(label.startsWith('Search failed: ') && label.includes(fragment) &&
            view.status.has_css_class('error'), `the failure is not shown: ${JSON.stringify(label)}`);
        this.check(!view.entry.get_sensitive(), 'the entry is still usable');
        this.log(`the failure is shown: ${label}`);
        this.screenshotThenClose();
    }

    close() {
        this.view.window.close();
        this.app.finish(0);
    }
}

// --- the application -------------------------------------------------------------

function main(args) {
    let options;
    try {
        options = parseOptions(args);
    } catch (e) {
        printerr(`search.js: ${e.message}\n${usage()}`);
        return 2;
    }
    if (!Gtk.init_check()) {
        printerr(`search.js: no display${options.selfTest ? ', skipping' : ''}`);
        return options.selfTest ? 77 : 1;
    }
    if (!GLib.file_test(options.words, GLib.FileTest.EXISTS)) {
        printerr(`search.js: no word list at ${options.words}`);
        return 1;
    }

    const app = new Gtk.Application({application_id: APP_ID,
        flags: Gio.ApplicationFlags.NON_UNIQUE});
    let exitCode = 0;
    let test = null;
    app.finish = code => {
        if (exitCode === 0)
            exitCode = code;
        app.quit();
    };

    app.connect('startup', () => {
        const provider = new Gtk.CssProvider();
        provider.load_from_data(CSS);
        Gtk.StyleContext.add_provider_for_display(Gdk.Display.get_default(), provider,
            Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION);
    });
    app.connect('activate', () => {
        if (app.get_active_window()) {
            app.get_active_window().present();
            return;
        }
        const [words, folded] = loadWords(options.words);
        const slow = options.slow ?? (options.selfTest ? TEST_SLOW_MS : 0);
        const searcher = new Searcher(words, folded, slow, options.failQuery, options.failSearch);
        const state = {shownQuery: '', deliveries: [], done: false, error: null};
        const view = new SearchView(app, words.length, state);
        startPipeline(view, searcher, state);
        view.window.present();
        if (options.selfTest) {
            const failing = options.failQuery !== null || options.failSearch !== null;
            test = new (failing ? FailureTest : SelfTest)(app, view, searcher, state, options);
            app.hold();   // until the test ends, window or not
            test.start();
        }
    });

    if (options.selfTest) {
        // The guard is in the loop itself.
        GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, options.timeout, () => {
            print(`self-test: timed out after ${options.timeout} s while ${test?.phase ?? 'starting'}`);
            app.finish(3);
            return GLib.SOURCE_REMOVE;
        });
    }
    const status = app.run([system.programInvocationName]);
    return options.selfTest ? exitCode : status;
}

system.exit(main(system.programArgs));
