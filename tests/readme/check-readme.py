#!/usr/bin/python3
# check-readme.py: run the code samples of README.md or of a guide chapter
# and compare their output with the output they document
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A document marks each sample, and the output it documents, with comments
# around a Markdown fence (README.md) or a DocBook element (doc/guide-*.xml):
#
#   <!-- example:LANG [NAME] [harness=H] [after=NAME2] -->
#   ```c ... ```   or   <programlisting language="c"><![CDATA[ ... ]]></programlisting>
#   <!-- /example:LANG -->
#
#   <!-- output:LANG [NAME] -->  ```text ... ```  or  <screen>...</screen>
#   <!-- /output:LANG -->
#
# LANG is c, python, gjs or vala. NAME tells the samples of one document
# apart (README.md has one unnamed sample per language). A sample with an
# output block must print exactly that on stdout; every sample must exit 0.
#
# harness= wraps a fragment into a program (the text says which):
#   c:      none     a whole program (the default)
#           main     statements: the body of `int main (void)`, after the
#                    includes; `return 0;` is appended
#           decls    declarations and functions: compiled and linked with an
#                    empty main(), not run
#           gtk      like decls, with <gtk/gtk.h> and GTK 4 (skipped without)
#   python, gjs, vala: none only.
# after=NAME2 puts sample NAME2's code (of the same language) before this
# one, for a text that builds a program in steps.
#
# C samples are built against the uninstalled library; Python runs with the
# build tree's typelib and the source tree's override; GJS runs as an ES
# module (`gjs -m`) beside a copy of introspection/gjs/gchanstream.js, so
# `import Gcs from './gchanstream.js'` finds it; Vala builds against the
# build tree's vapi.

import argparse
import html
import os
import re
import shlex
import shutil
import subprocess
import sys

LANGS = ('c', 'python', 'gjs', 'vala')
C_HARNESSES = ('none', 'main', 'decls', 'gtk')

MARKER = re.compile(
    r'<!--\s*(example|output):(\w+)((?:\s+[^\s>]+)*)\s*-->(.*?)<!--\s*/\1:\2\s*-->', re.S)


class Sample:
    def __init__(self, lang, name, opts, code, line):
        self.lang = lang
        self.name = name
        self.opts = opts
        self.code = code
        self.line = line
        self.output = None

    def label(self):
        return '%s:%s' % (self.lang, self.name or '(unnamed)')


def body_text(chunk):
    """The code inside a marked block: a Markdown fence, CDATA, or element text."""
    fence = re.search(r'```[^\n]*\n(.*?)```', chunk, re.S)
    if fence:
        return fence.group(1)
    cdata = re.findall(r'<!\[CDATA\[(.*?)\]\]>', chunk, re.S)
    if cdata:
        text = ''.join(cdata)
    else:
        text = html.unescape(re.sub(r'<[^>]+>', '', chunk))
    # The newline after <screen> or <![CDATA[ and the indentation before
    # the closing tag are layout, not content.
    text = text.lstrip('\n').rstrip()
    return text + '\n' if text else ''


def parse(doc, path):
    samples = {}
    outputs = {}
    for m in MARKER.finditer(doc):
        kind, lang, rest, chunk = m.groups()
        words = rest.split()
        name = ''
        opts = {}
        for w in words:
            if '=' in w:
                k, _, v = w.partition('=')
                opts[k] = v
            elif not name:
                name = w
            else:
                sys.exit('%s: stray word %r in a %s:%s marker' % (path, w, kind, lang))
        if lang not in LANGS:
            sys.exit('%s: unknown language %r in a marker' % (path, lang))
        key = (lang, name)
        line = doc.count('\n', 0, m.start()) + 1
        table = samples if kind == 'example' else outputs
        if key in table:
            sys.exit('%s:%d: a second %s:%s %s' % (path, line, lang, name or '(unnamed)', kind))
        table[key] = Sample(lang, name, opts, body_text(chunk), line) if kind == 'example' else body_text(chunk)
    for key, text in outputs.items():
        if key not in samples:
            sys.exit('%s: output:%s %s has no example' % (path, key[0], key[1] or '(unnamed)'))
        samples[key].output = text
    ordered = sorted(samples.values(), key=lambda s: s.line)
    for s in ordered:
        harness = s.opts.get('harness', 'none')
        allowed = C_HARNESSES if s.lang == 'c' else ('none',)
        if harness not in allowed:
            sys.exit('%s:%d: harness=%s is not one of %s for %s' % (path, s.line, harness, ', '.join(allowed), s.lang))
        for k in s.opts:
            if k not in ('harness', 'after'):
                sys.exit('%s:%d: unknown marker option %s=' % (path, s.line, k))
        if 'after' in s.opts and (s.lang, s.opts['after']) not in samples:
            sys.exit('%s:%d: after=%s: no such %s sample' % (path, s.line, s.opts['after'], s.lang))
    return ordered, samples


def full_code(sample, samples):
    code = sample.code
    seen = set()
    s = sample
    while 'after' in s.opts:
        if s.opts['after'] in seen:
            sys.exit('after= loop at %s' % s.label())
        seen.add(s.opts['after'])
        s = samples[(s.lang, s.opts['after'])]
        code = s.code + '\n' + code
    return code


def run(cmd, env=None, cwd=None):
    print('$ ' + ' '.join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)


def pkg_config(*pkgs):
    try:
        out = subprocess.run(['pkg-config', '--cflags', '--libs'] + list(pkgs),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             universal_newlines=True)
    except FileNotFoundError:
        return None
    return out.stdout.split() if out.returncode == 0 else None


def prepend_env(env, var, value):
    env[var] = os.pathsep.join([value] + ([env[var]] if env.get(var) else []))


class Runner:
    def __init__(self, args, stem):
        self.args = args
        self.stem = stem
        args.library = os.path.abspath(args.library)
        self.libdir = os.path.dirname(args.library)
        os.makedirs(args.workdir, exist_ok=True)

    def base(self, sample):
        name = re.sub(r'[^A-Za-z0-9_-]', '-', sample.name) if sample.name else 'example'
        return os.path.join(self.args.workdir, '%s-%s' % (self.stem, name))

    def write(self, path, text):
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)

    def bindings_env(self):
        env = dict(os.environ)
        if self.args.typelib:
            prepend_env(env, 'GI_TYPELIB_PATH', os.path.dirname(os.path.abspath(self.args.typelib)))
        prepend_env(env, 'LD_LIBRARY_PATH', self.libdir)
        prepend_env(env, 'PYTHONPATH', os.path.join(self.args.srcdir, 'introspection', 'python'))
        env['PYTHONDONTWRITEBYTECODE'] = '1'
        return env

    # Each returns (status, detail): ('skip', reason), ('build-failed', None),
    # ('linked', None) or ('ran', CompletedProcess).
    def c(self, sample, code):
        harness = sample.opts.get('harness', 'none')
        extra = []
        if harness == 'gtk':
            extra = pkg_config('gtk4')
            if extra is None:
                return 'skip', 'GTK 4 is not installed'
        if harness == 'main':
            code = ('#include <gchanstream/gchanstream.h>\n#include <stdio.h>\n\n'
                    'int\nmain (void)\n{\n' + code + '  return 0;\n}\n')
        elif harness in ('decls', 'gtk'):
            head = '#include <gtk/gtk.h>\n' if harness == 'gtk' else ''
            code = (head + '#include <gchanstream/gchanstream.h>\n\n' + code +
                    '\nint main (void);\nint\nmain (void)\n{\n  return 0;\n}\n')
        source = self.base(sample) + '.c'
        program = self.base(sample)
        self.write(source, code)
        flags = pkg_config('gio-2.0', 'gobject-2.0', 'glib-2.0')
        cc = shlex.split(self.args.cc)
        cmd = cc + [
            '-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror', '-g',
            '-I' + self.args.srcdir, '-I' + os.path.join(self.args.builddir, 'gchanstream')]
        if harness in ('decls', 'gtk'):
            cmd.append('-Wno-unused-function')
        if self.args.sanitize not in ('', 'none'):
            cmd.append('-fsanitize=' + self.args.sanitize)
        cmd += [source, '-o', program, self.args.library, '-Wl,-rpath,' + self.libdir,
                '-pthread'] + extra + flags + ['-lm']
        built = run(cmd)
        sys.stdout.write(built.stdout)
        sys.stderr.write(built.stderr)
        if built.returncode != 0:
            return 'build-failed', None
        if harness in ('decls', 'gtk'):
            return 'linked', None   # compiled and linked: that is the test
        return 'ran', run([program])

    def python(self, sample, code):
        if not self.args.typelib:
            return 'skip', 'no typelib (built without introspection)'
        source = self.base(sample) + '.py'
        self.write(source, code)
        return 'ran', run([self.args.python, source], self.bindings_env())

    def gjs(self, sample, code):
        if not self.args.typelib:
            return 'skip', 'no typelib (built without introspection)'
        if not self.args.gjs:
            return 'skip', 'gjs is not installed'
        d = self.base(sample) + '-gjs'
        os.makedirs(d, exist_ok=True)
        shutil.copy(os.path.join(self.args.srcdir, 'introspection', 'gjs', 'gchanstream.js'), d)
        source = os.path.join(d, 'sample.js')
        self.write(source, code)
        return 'ran', run([self.args.gjs, '-m', source], self.bindings_env(), cwd=d)

    def vala(self, sample, code):
        if not self.args.valac or not self.args.vapidir:
            return 'skip', 'no valac or no vapi'
        source = self.base(sample) + '.vala'
        program = self.base(sample) + '-vala'
        self.write(source, code)
        cmd = [self.args.valac, '--vapidir=' + self.args.vapidir, '--pkg', 'gchanstream-1.0',
               '--pkg', 'gio-2.0', '-o', program, source,
               '-X', '-I' + self.args.srcdir, '-X', '-I' + os.path.join(self.args.builddir, 'gchanstream'),
               '-X', '-w',
               '-X', self.args.library, '-X', '-Wl,-rpath,' + self.libdir]
        built = run(cmd, cwd=self.args.workdir)
        sys.stdout.write(built.stdout)
        sys.stderr.write(built.stderr)
        if built.returncode != 0:
            return 'build-failed', None
        return 'ran', run([program])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doc', '--readme', dest='doc', required=True,
                    help='README.md or a guide chapter')
    ap.add_argument('--lang', default=','.join(LANGS),
                    help='the languages to run, comma-separated; samples in others are skipped')
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--library', required=True, help='the built libgchanstream')
    ap.add_argument('--cc', default='cc', help='the C compiler command')
    ap.add_argument('--sanitize', default='none', help="meson's b_sanitize")
    ap.add_argument('--typelib', help='the built Gcs-1.0.typelib')
    ap.add_argument('--python', default=sys.executable, help='Python with PyGObject')
    ap.add_argument('--gjs', help='gjs')
    ap.add_argument('--valac', help='valac')
    ap.add_argument('--vapidir', help='the directory of the built gchanstream-1.0.vapi')
    ap.add_argument('--list', action='store_true', help='list the samples and exit')
    args = ap.parse_args()

    with open(args.doc, encoding='utf-8') as f:
        doc = f.read()
    docname = os.path.basename(args.doc)
    ordered, samples = parse(doc, docname)
    if not ordered:
        sys.exit('%s: no marked samples' % docname)
    if args.list:
        for s in ordered:
            print('%s:%d %s %s' % (docname, s.line, s.label(),
                                   ' '.join('%s=%s' % kv for kv in s.opts.items())))
        return

    enabled = [l for l in args.lang.split(',') if l]
    runner = Runner(args, os.path.splitext(docname)[0].lower())
    failures = []
    n_ok = n_skip = 0
    for s in ordered:
        print('\n--- %s:%d %s' % (docname, s.line, s.label()), flush=True)
        if s.lang not in enabled:
            print('SKIP %s: not selected (--lang %s)' % (s.label(), args.lang))
            n_skip += 1
            continue
        status, result = getattr(runner, s.lang)(s, full_code(s, samples))
        if status == 'skip':
            print('SKIP %s: %s' % (s.label(), result))
            n_skip += 1
            continue
        if status == 'build-failed':
            failures.append('%s does not compile' % s.label())
            continue
        if status == 'linked':
            print('ok %s (compiled and linked)' % s.label())
            n_ok += 1
            continue
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            failures.append('%s exited with %d' % (s.label(), result.returncode))
        elif s.output is not None and result.stdout != s.output:
            failures.append('%s printed\n%s\ninstead of the documented\n%s' % (s.label(), result.stdout, s.output))
        else:
            print('ok %s%s' % (s.label(), ': printed what %s shows' % docname if s.output is not None else ''))
            n_ok += 1

    print('\n%s: %d ok, %d skipped, %d failed' % (docname, n_ok, n_skip, len(failures)))
    if failures:
        sys.exit('\n'.join('FAIL: ' + f for f in failures))
    if n_ok == 0:
        sys.exit(77)   # all skipped: meson reports SKIP


if __name__ == '__main__':
    main()
