/* gcs-progress: a GTK 4 progress demo for gchanstream, in Vala.
 *
 * A worker thread hashes a buffer chunk by chunk (SHA-256) and reports how
 * far it got into a watch channel (a double, 0.0 to 1.0). The UI follows
 * that channel with streams:
 *
 *   - a Gcs.WatchStream bound with bind_to_property() onto the progress
 *     bar's "fraction";
 *   - a second subscriber (a clone of the receiver) mapped to "Step 7 of
 *     20" for a label; when the worker drops its sender this stream ends,
 *     and the UI shows "Done" (or the cancellation);
 *   - a oneshot channel carrying the job's result: the digest, or the
 *     cancellation as an error (the GTask way).
 *
 * Start/Cancel cancels the worker through a GCancellable.
 *
 * --self-test runs the job to the end, then a second run that it cancels,
 * checks what the widgets show and exits 0 (77 with no display);
 * --screenshot FILE saves a PNG of the window at the end.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

const int BLOCK_SIZE = 64 * 1024;        /* hashed between two progress reports */
const int BLOCKS_PER_STEP = 16;          /* a step ("file") is 1 MiB */
const int EXIT_SKIP = 77;
const int EXIT_TIMEOUT = 3;
const uint SELF_TEST_TIMEOUT_S = 60;

/* The job ----------------------------------------------------------------- */

/* Lives on the worker thread. Talks to the UI only through its channels. */
class HashJob : Object {
    public int steps { get; construct; }
    public int step_ms { get; construct; }
    public Cancellable cancellable { get; construct; }

    /* What the worker did; read by the UI only after the progress stream
     * ended, that is after the worker closed its sender. */
    public uint sends;
    public double last_sent;

    Gcs.WatchSender progress;
    Gcs.OneshotSender result;
    Mutex mutex;
    Cond cond;
    bool cancelled;

    public HashJob (int steps, int step_ms, Cancellable cancellable,
                    owned Gcs.WatchSender progress, owned Gcs.OneshotSender result) {
        Object (steps: steps, step_ms: step_ms, cancellable: cancellable);
        this.progress = (owned) progress;
        this.result = (owned) result;
    }

    /* Waits for up to @us, or less if the job is cancelled meanwhile.
     * Returns false once cancelled. */
    bool pause (int64 us) {
        var deadline = get_monotonic_time () + us;
        mutex.lock ();
        while (!cancelled) {
            if (!cond.wait_until (mutex, deadline))
                break;
        }
        var go_on = !cancelled;
        mutex.unlock ();
        return go_on;
    }

    void report (double fraction) {
        try {
            progress.send (fraction);
            sends++;
            last_sent = fraction;
        } catch (Error e) {
            /* A watch send fails only after close(); nothing to do. */
        }
    }

    /* The worker thread's body. */
    public void run () {
        /* Wake pause() at once when the UI cancels (this handler runs in
         * the thread that calls cancel(), the GTK thread). */
        var handler = cancellable.connect (() => {
            mutex.lock ();
            cancelled = true;
            cond.broadcast ();
            mutex.unlock ();
        });

        /* The buffer: pseudo-random bytes (xorshift64), so the digest is
         * the same on every run. */
        size_t total = (size_t) steps * BLOCKS_PER_STEP * BLOCK_SIZE;
        var data = new uint8[total];
        uint64 x = 0x9E3779B97F4A7C15;
        for (size_t i = 0; i + 8 <= total; i += 8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Memory.copy (&data[i], &x, 8);
        }

        var whole = new Checksum (ChecksumType.SHA256);
        int64 pause_us = (int64) step_ms * 1000 / BLOCKS_PER_STEP;
        size_t done = 0;
        for (int step = 0; step < steps && !cancellable.is_cancelled (); step++) {
            var chunk = new Checksum (ChecksumType.SHA256);
            for (int b = 0; b < BLOCKS_PER_STEP; b++) {
                if (cancellable.is_cancelled ())
                    break;
                chunk.update (data[done:done + BLOCK_SIZE], BLOCK_SIZE);
                done += BLOCK_SIZE;
                /* Hundreds of reports: the watch keeps only the latest,
                 * so a busy UI skips to it instead of queueing them. */
                report ((double) done / total);
                if (pause_us > 0 && !pause (pause_us))
                    break;
            }
            whole.update ((uchar[]) chunk.get_string ().data, 64);
        }

        /* The result first, then the end of the progress stream: the UI
         * finds the result ready when it sees the end. */
        try {
            if (done < total)   /* a cancel after the last block is too late */
                result.send_error (new IOError.CANCELLED ("Cancelled after %s of %s",
                                                          format_size (done, FormatSizeFlags.IEC_UNITS),
                                                          format_size (total, FormatSizeFlags.IEC_UNITS)));
            else
                result.send (whole.get_string ());
        } catch (Error e) {
            /* The receiver is gone: the window was closed. */
        }
        cancellable.disconnect (handler);
        progress.close ();   /* the end of every stream on this watch */
        result = null;
    }
}

/* The window -------------------------------------------------------------- */

enum JobState { IDLE, RUNNING, DONE, CANCELLED, FAILED }

class ProgressWindow : Gtk.ApplicationWindow {
    public int steps { get; set; default = 20; }
    public int step_ms { get; set; default = 150; }
    public JobState state { get; private set; default = JobState.IDLE; }

    /* Exposed for the self-test. */
    public Gtk.ProgressBar bar;
    public Gtk.Label step_label;
    public Gtk.Label status_label;
    public Gtk.Label detail_label;
    public Gtk.Button button;
    public Gtk.ListBox history;
    public uint bind_id;        /* the bar's binding source */
    public uint seen;           /* progress values the label stream saw */
    public HashJob? job;

    Cancellable? cancellable;
    Gtk.Label heading;
    Gtk.Label blurb;
    int runs;
    bool closed;

    public signal void job_ended ();

    public ProgressWindow (Gtk.Application app) {
        Object (application: app, title: "Checksum", default_width: 520, default_height: 440);

        var header = new Gtk.HeaderBar ();
        set_titlebar (header);

        var box = new Gtk.Box (Gtk.Orientation.VERTICAL, 12);
        box.margin_top = box.margin_bottom = 24;
        box.margin_start = box.margin_end = 24;
        set_child (box);

        heading = new Gtk.Label (null);
        heading.xalign = 0;
        heading.add_css_class ("title-2");
        box.append (heading);

        blurb = new Gtk.Label (null);
        blurb.xalign = 0;
        blurb.wrap = true;
        blurb.add_css_class ("dim-label");
        box.append (blurb);

        bar = new Gtk.ProgressBar ();
        bar.show_text = true;
        bar.margin_top = 6;
        box.append (bar);

        var row = new Gtk.Box (Gtk.Orientation.HORIZONTAL, 12);
        step_label = new Gtk.Label ("Not started");
        step_label.xalign = 0;
        step_label.hexpand = true;
        step_label.add_css_class ("numeric");
        row.append (step_label);
        status_label = new Gtk.Label ("Ready");
        status_label.xalign = 1;
        status_label.add_css_class ("heading");
        row.append (status_label);
        box.append (row);

        detail_label = new Gtk.Label ("Press Start to hash the buffer.");
        detail_label.xalign = 0;
        detail_label.wrap = true;
        detail_label.add_css_class ("dim-label");
        box.append (detail_label);

        button = new Gtk.Button.with_label ("Start");
        button.halign = Gtk.Align.END;
        button.add_css_class ("suggested-action");
        button.clicked.connect (on_button_clicked);
        box.append (button);

        var history_title = new Gtk.Label ("History");
        history_title.xalign = 0;
        history_title.margin_top = 6;
        history_title.add_css_class ("heading");
        box.append (history_title);

        history = new Gtk.ListBox ();
        history.selection_mode = Gtk.SelectionMode.NONE;
        history.add_css_class ("history");
        history.set_placeholder (new Gtk.Label ("No runs yet") { margin_top = 8, margin_bottom = 8 });
        var frame = new Gtk.Frame (null);
        frame.child = history;
        frame.vexpand = true;
        frame.valign = Gtk.Align.START;
        box.append (frame);

        notify["steps"].connect (update_texts);
        update_texts ();

        /* Closing the window stops the worker. */
        close_request.connect (() => {
            closed = true;
            if (cancellable != null)
                cancellable.cancel ();
            return false;
        });
    }

    void update_texts () {
        heading.label = "Hashing %s".printf (format_size ((uint64) steps * BLOCKS_PER_STEP * BLOCK_SIZE, FormatSizeFlags.IEC_UNITS));
        blurb.label = ("A worker thread computes the SHA-256 of %d chunks and reports its " +
                       "progress through a watch channel; the bar and the step counter are " +
                       "streams on that channel.").printf (steps);
    }

    void on_button_clicked () {
        if (state == JobState.RUNNING)
            cancellable.cancel ();
        else
            start ();
    }

    string step_text (double fraction) {
        /* The step being worked on, and the last one once it is complete. */
        int step = ((int) Math.floor (fraction * steps + 1e-9) + 1).clamp (1, steps);
        return "Step %d of %d".printf (step, steps);
    }

    public void start () {
        return_if_fail (state != JobState.RUNNING);

        Gcs.WatchSender tx;
        Gcs.WatchReceiver rx;
        Gcs.watch_new (0.0, out tx, out rx);
        Gcs.OneshotSender result_tx;
        Gcs.OneshotReceiver result_rx;
        Gcs.oneshot_new (typeof (string), out result_tx, out result_rx);

        cancellable = new Cancellable ();
        job = new HashJob (steps, step_ms, cancellable, (owned) tx, (owned) result_tx);
        runs++;
        seen = 0;
        state = JobState.RUNNING;

        bar.remove_css_class ("cancelled");
        bar.remove_css_class ("done");
        bar.text = null;                    /* the percentage */
        step_label.label = step_text (0.0);
        status_label.label = "Running";
        detail_label.label = "Hashing on a worker thread…";
        button.label = "Cancel";
        button.remove_css_class ("suggested-action");
        button.add_css_class ("destructive-action");

        /* A watch channel holds one value, the latest. The worker sends
         * hundreds of them; if the UI is busy (a slow frame, a loaded
         * machine) it does not fall behind through a queue of stale
         * values: each stream simply wakes up to the newest one. */
        var bar_stream = new Gcs.WatchStream (rx.clone ());
        bind_id = bar_stream.bind_to_property (bar, "fraction");

        var steps_stream = new Gcs.WatchStream (rx).map ((item, out text) => {
            text = step_text (item.get_double ());
        });
        follow.begin (steps_stream, result_rx, job);

        new Thread<void> ("hash-job", job.run);   /* detached: the job ends itself */
    }

    async void follow (Gcs.Stream steps_stream, Gcs.OneshotReceiver result_rx, HashJob job) {
        var started = get_monotonic_time ();
        string? failure = null;
        try {
            yield steps_stream.for_each_async ((item) => {
                if (closed)
                    return;
                step_label.label = item.get_string ();
                seen++;
            }, null);
        } catch (Error e) {
            failure = e.message;
        }

        /* The stream ended: the worker dropped its sender. Its result (or
         * its cancellation) is already in the oneshot. */
        string? digest = null;
        bool was_cancelled = false;
        if (failure == null) {
            try {
                unowned Value? v = yield result_rx.recv_async (null);
                digest = v != null ? v.get_string () : null;
                if (digest == null)
                    failure = "The job ended without a result";
            } catch (IOError.CANCELLED e) {
                was_cancelled = true;
                failure = e.message;
            } catch (Error e) {
                failure = e.message;
            }
        }
        if (closed)
            return;   /* the window is gone, nothing to show */
        var seconds = (get_monotonic_time () - started) / 1e6;
        var updates = "the worker sent %u updates, the step counter woke up %u times".printf (job.sends, seen);

        button.label = "Start again";
        button.remove_css_class ("destructive-action");
        button.add_css_class ("suggested-action");
        string summary;
        string icon;
        if (digest != null) {
            state = JobState.DONE;
            status_label.label = "Done";
            bar.text = "Done";
            bar.add_css_class ("done");
            detail_label.label = "SHA-256 %s…\n%.1f s; %s.".printf (digest.substring (0, 24), seconds, updates);
            summary = "Run %d: done in %.1f s, %s…".printf (runs, seconds, digest.substring (0, 12));
            icon = "emblem-ok-symbolic";
        } else if (was_cancelled) {
            state = JobState.CANCELLED;
            status_label.label = "Cancelled";
            bar.text = "Cancelled at %.0f%%".printf (job.last_sent * 100);
            bar.add_css_class ("cancelled");
            detail_label.label = "%s; %s.".printf (failure, updates);
            summary = "Run %d: cancelled at %s".printf (runs, step_label.label.down ());
            icon = "process-stop-symbolic";
        } else {
            state = JobState.FAILED;
            status_label.label = "Failed";
            bar.text = "Failed";
            bar.add_css_class ("cancelled");
            detail_label.label = failure;
            summary = "Run %d: failed: %s".printf (runs, failure);
            icon = "dialog-error-symbolic";
        }

        var line = new Gtk.Box (Gtk.Orientation.HORIZONTAL, 8);
        line.margin_top = line.margin_bottom = 6;
        line.margin_start = line.margin_end = 8;
        line.append (new Gtk.Image.from_icon_name (icon));
        line.append (new Gtk.Label (summary) { xalign = 0, hexpand = true, ellipsize = Pango.EllipsizeMode.END });
        history.append (line);

        cancellable = null;
        job_ended ();
    }
}

/* Self-test --------------------------------------------------------------- */

delegate bool Condition ();

/* Resumes once @cond holds, checking it from the main loop. */
async void wait_for (owned Condition cond) {
    if (cond ())
        return;
    Timeout.add (10, () => {
        if (!cond ())
            return Source.CONTINUE;
        wait_for.callback ();
        return Source.REMOVE;
    });
    yield;
}

/* Resumes in the frame clock's after-paint of the next frame. */
async void next_frame (Gtk.Widget widget) {
    var clock = widget.get_frame_clock ();
    ulong id = 0;
    id = clock.after_paint.connect (() => {
        clock.disconnect (id);
        next_frame.callback ();
    });
    widget.queue_draw ();
    yield;
}

void save_png (Gtk.Widget widget, string path) throws Error {
    int width = widget.get_width ();
    int height = widget.get_height ();
    var snapshot = new Gtk.Snapshot ();
    new Gtk.WidgetPaintable (widget).snapshot (snapshot, width, height);
    var node = snapshot.to_node ();
    if (node == null)
        throw new IOError.FAILED ("the window drew nothing (%dx%d)", width, height);
    Graphene.Rect viewport = {};
    viewport.init (0, 0, width, height);
    var texture = widget.get_native ().get_renderer ().render_texture (node, viewport);
    if (!texture.save_to_png (path))
        throw new IOError.FAILED ("could not write %s", path);
    print ("self-test: screenshot %s (%dx%d)\n", path, width, height);
}

class ProgressApp : Gtk.Application {
    public int exit_code;
    bool self_test;
    string? screenshot;
    int steps = 20;
    int step_ms = 150;

    public ProgressApp () {
        Object (application_id: "org.gchanstream.ProgressVala",
                flags: ApplicationFlags.NON_UNIQUE);
        add_main_option ("self-test", 0, OptionFlags.NONE, OptionArg.NONE,
                         "Run the job, then a cancelled one, check the window and exit", null);
        add_main_option ("screenshot", 0, OptionFlags.NONE, OptionArg.STRING,
                         "With --self-test: save a PNG of the window at the end", "FILE");
        add_main_option ("steps", 0, OptionFlags.NONE, OptionArg.INT,
                         "Chunks of 1 MiB to hash (default 20)", "N");
        add_main_option ("step-ms", 0, OptionFlags.NONE, OptionArg.INT,
                         "Pause per chunk, so that a person can watch (default 150)", "MS");
    }

    public override int handle_local_options (VariantDict options) {
        self_test = options.contains ("self-test");
        string path;
        int n;
        if (options.lookup ("screenshot", "s", out path))
            screenshot = path;
        if (options.lookup ("steps", "i", out n))
            steps = n;
        if (options.lookup ("step-ms", "i", out n))
            step_ms = n;
        if (steps < 1 || steps > 200 || step_ms < 0) {
            printerr ("gcs-progress: --steps must be 1 to 200 and --step-ms at least 0\n");
            return 2;
        }
        if (screenshot != null && !self_test) {
            printerr ("gcs-progress: --screenshot goes with --self-test\n");
            return 2;
        }
        if (!Gtk.init_check ()) {
            printerr ("gcs-progress: cannot open a display%s\n", self_test ? ": skipping the self-test" : "");
            return self_test ? EXIT_SKIP : 1;
        }
        return -1;
    }

    public override void startup () {
        base.startup ();
        var css = new Gtk.CssProvider ();
        css.load_from_data ((uint8[]) ("progressbar > trough, progressbar > trough > progress { min-height: 10px; }\n" +
                                       "progressbar.done > trough > progress { background-color: #2ec27e; }\n" +
                                       "progressbar.cancelled > trough > progress { background-color: #e5a50a; }\n").data);
        Gtk.StyleContext.add_provider_for_display (Gdk.Display.get_default (), css,
                                                   Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

    public override void activate () {
        var window = active_window as ProgressWindow;
        if (window == null) {
            window = new ProgressWindow (this);
            window.steps = steps;
            window.step_ms = step_ms;
        }
        window.present ();
        if (self_test)
            run_self_test.begin (window);
    }

    bool failed;

    void check (bool ok, string what) {
        if (ok) {
            print ("self-test: ok: %s\n", what);
        } else if (!failed) {
            printerr ("self-test: FAIL: %s\n", what);
            failed = true;
            exit_code = 1;
            quit ();
        }
    }

    async void run_self_test (ProgressWindow win) {
        /* The guard: the test never blocks the loop, so a hang ends here. */
        var guard = Timeout.add_seconds (SELF_TEST_TIMEOUT_S, () => {
            printerr ("self-test: FAIL: timed out after %u s (state %s, step label '%s', fraction %g)\n",
                      SELF_TEST_TIMEOUT_S, win.state.to_string (), win.step_label.label, win.bar.fraction);
            exit_code = EXIT_TIMEOUT;
            quit ();
            return Source.REMOVE;
        });
        var context = MainContext.default ();

        /* Run 1: to the end, quickly. */
        var steps = win.steps;
        win.step_ms = 5;
        yield wait_for (() => win.get_mapped ());
        win.button.clicked ();
        check (win.state == JobState.RUNNING && win.button.label == "Cancel", "the button started a job");
        check (win.bind_id > 0, "the bar is bound to the watch stream");
        var bind_id = win.bind_id;
        yield wait_for (() => win.state != JobState.RUNNING && context.find_source_by_id (bind_id) == null);
        if (failed) return;
        check (win.state == JobState.DONE, "run 1 reached the Done state");
        check (win.bar.fraction == 1.0, "the bar's fraction is exactly 1.0 (%.17g)".printf (win.bar.fraction));
        var last_step = "Step %d of %d".printf (steps, steps);
        check (win.step_label.label == last_step, "the label shows '%s' ('%s')".printf (last_step, win.step_label.label));
        check (win.status_label.label == "Done" && win.bar.text == "Done", "the status and the bar say Done");
        check (win.job.last_sent == 1.0 && win.job.sends == steps * BLOCKS_PER_STEP,
               "the worker sent %u updates".printf (win.job.sends));
        /* seen counts the initial 0.0 too. */
        check (win.seen >= 1 && win.seen <= win.job.sends + 1,
               "the label stream saw %u values for %u updates".printf (win.seen, win.job.sends));
        check (win.button.label == "Start again", "the button offers another run");
        if (failed) return;

        /* Run 2: slow, cancelled from the button once it is under way. */
        win.step_ms = 400;
        win.button.clicked ();
        bind_id = win.bind_id;
        check (win.state == JobState.RUNNING && bind_id > 0, "run 2 started");
        check (!win.bar.has_css_class ("done"), "the bar lost its Done style");
        /* The new watch starts at 0.0: the binding brings the bar back. */
        yield wait_for (() => win.bar.fraction < 1.0 || win.state != JobState.RUNNING);
        check (win.bar.fraction < 1.0, "the binding reset the bar (%.3f)".printf (win.bar.fraction));
        yield wait_for (() => win.bar.fraction >= 0.25 || win.state != JobState.RUNNING);
        check (win.state == JobState.RUNNING, "run 2 is still running at %s".printf (win.step_label.label));
        if (failed) return;
        win.button.clicked ();   /* Cancel */
        yield wait_for (() => win.state != JobState.RUNNING && context.find_source_by_id (bind_id) == null);
        if (failed) return;
        check (win.state == JobState.CANCELLED, "run 2 reached the Cancelled state");
        check (win.job.last_sent < 1.0 && win.job.sends < steps * BLOCKS_PER_STEP,
               "the worker stopped early (%u of %d updates, last %.3f)".printf (win.job.sends, steps * BLOCKS_PER_STEP, win.job.last_sent));
        check (win.bar.fraction > 0.0 && win.bar.fraction < 1.0 && win.bar.fraction == win.job.last_sent,
               "the bar stays at the last value sent (%.3f)".printf (win.bar.fraction));
        check (win.bar.has_css_class ("cancelled") && win.bar.text.has_prefix ("Cancelled"),
               "the bar shows the cancellation ('%s')".printf (win.bar.text));
        check (win.status_label.label == "Cancelled", "the status says Cancelled");
        check (win.step_label.label != last_step, "the label stopped at '%s'".printf (win.step_label.label));
        check (win.button.label == "Start again", "the button offers another run");
        var rows = 0;
        while (win.history.get_row_at_index (rows) != null)
            rows++;
        check (rows == 2, "the history lists both runs");
        if (failed) return;

        if (screenshot != null) {
            yield next_frame (win);
            yield next_frame (win);
            try {
                save_png (win, screenshot);
            } catch (Error e) {
                check (false, "screenshot: " + e.message);
                return;
            }
        }
        Source.remove (guard);
        print ("self-test: passed\n");
        quit ();
    }
}

int main (string[] args) {
    var app = new ProgressApp ();
    var rc = app.run (args);
    return app.exit_code != 0 ? app.exit_code : rc;
}
