// Runs a demo's self-test with --screenshot FILE, then checks that FILE is a
// valid, non-empty image: a PNG that GdkPixbuf loads, of a sensible size,
// with enough distinct colours and enough non-background pixels to be a
// painted window rather than a blank or garbage buffer.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Usage: gjs -m checkScreenshot.js OUT.png COMMAND [ARG...]
// Exit status: the command's if it failed (77: skipped), 1 if the image is
// bad, 0 if it is good.

import GdkPixbuf from 'gi://GdkPixbuf';
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import system from 'system';

const MIN_SIZE = 100;       // pixels, each side
const MIN_COLOURS = 16;
const MIN_INK = 0.005;      // share of pixels unlike the most common colour

// The problems with the PNG at @path (empty: good).
function checkPng(path) {
    const file = Gio.File.new_for_path(path);
    if (!file.query_exists(null))
        return [`${path} was not written`];
    const [, contents] = file.load_contents(null);
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    if (contents.length < 8 || signature.some((b, i) => contents[i] !== b))
        return [`${path} is not a PNG`];
    let pixbuf;
    try {
        pixbuf = GdkPixbuf.Pixbuf.new_from_file(path);
    } catch (e) {
        return [`${path} does not load: ${e.message}`];
    }
    const w = pixbuf.get_width(), h = pixbuf.get_height();
    const stride = pixbuf.get_rowstride(), n = pixbuf.get_n_channels();
    const data = pixbuf.read_pixel_bytes().toArray();
    const counts = new Map();
    for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
            const o = y * stride + x * n;
            const key = ((data[o] << 24) | (data[o + 1] << 16) | (data[o + 2] << 8) | (n > 3 ? data[o + 3] : 255)) >>> 0;
            counts.set(key, (counts.get(key) ?? 0) + 1);
        }
    }
    const background = Math.max(0, ...counts.values());
    const ink = 1 - background / Math.max(1, w * h);
    const problems = [];
    if (w < MIN_SIZE || h < MIN_SIZE)
        problems.push(`${path} is only ${w}x${h}`);
    if (counts.size < MIN_COLOURS)
        problems.push(`${path} has only ${counts.size} colours`);
    if (ink < MIN_INK)
        problems.push(`${path} is nearly blank (${(100 * ink).toFixed(2)}% ink)`);
    print(`checkScreenshot: ${w}x${h}, ${n} channels, ` +
        `${counts.size} colours, ${(100 * ink).toFixed(1)}% ink, ${contents.length} bytes`);
    return problems;
}

function main(args) {
    if (args.length < 2) {
        printerr('usage: gjs -m checkScreenshot.js OUT.png COMMAND [ARG...]');
        return 2;
    }
    const [out, ...command] = args;
    // A file of this run's own (the same test may run in parallel with
    // itself, meson test --repeat), renamed to OUT.png once it is good.
    const shot = `${out}.${new Gio.Credentials().get_unix_pid()}.png`;
    try {
        // stdout and stderr are inherited.
        const process = Gio.Subprocess.new([...command, '--screenshot', shot], Gio.SubprocessFlags.NONE);
        process.wait(null);
        const rc = process.get_if_exited() ? process.get_exit_status() : 128 + process.get_term_sig();
        if (rc !== 0) {
            printerr(`checkScreenshot: ${command.join(' ')} exited with ${rc}`);
            return rc;
        }
        const problems = checkPng(shot);
        for (const p of problems)
            printerr(`checkScreenshot: ${p}`);
        if (problems.length > 0)
            return 1;
        Gio.File.new_for_path(shot).move(Gio.File.new_for_path(out),
            Gio.FileCopyFlags.OVERWRITE, null, null);
        print(`checkScreenshot: good, saved as ${out}`);
        return 0;
    } finally {
        GLib.unlink(shot);
    }
}

system.exit(main(system.programArgs));
