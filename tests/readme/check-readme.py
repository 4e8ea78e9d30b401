#!/usr/bin/python3
# check-readme.py: run an example of README.md and compare its output
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# README.md marks each example and the output it documents:
#
#   <!-- example:c -->  ```c ... ```  <!-- /example:c -->
#   <!-- output:c -->   ```text ... ``` <!-- /output:c -->
#
# This extracts the example, builds it against the uninstalled library (C)
# or runs it with the build tree's typelib and override (Python), and fails
# unless it exits 0 and prints exactly the documented output.

import argparse
import os
import re
import shlex
import subprocess
import sys


def block(readme, kind, lang):
    pattern = re.compile(
        r'<!-- %s:%s -->\s*```[^\n]*\n(.*?)```\s*<!-- /%s:%s -->'
        % (kind, re.escape(lang), kind, re.escape(lang)), re.S)
    found = pattern.findall(readme)
    if len(found) != 1:
        sys.exit('README.md: expected one %s:%s block, found %d' % (kind, lang, len(found)))
    return found[0]


def run(cmd, env=None):
    print('$ ' + ' '.join(shlex.quote(c) for c in cmd), flush=True)
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lang', choices=['c', 'python'], required=True)
    ap.add_argument('--readme', required=True)
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--builddir', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--library', required=True, help='the built libgchanstream')
    ap.add_argument('--cc', default='cc', help='the C compiler command')
    ap.add_argument('--sanitize', default='none', help="meson's b_sanitize")
    ap.add_argument('--typelib', help='the built Gcs-1.0.typelib')
    args = ap.parse_args()

    with open(args.readme, encoding='utf-8') as f:
        readme = f.read()
    code = block(readme, 'example', args.lang)
    expected = block(readme, 'output', args.lang)
    os.makedirs(args.workdir, exist_ok=True)
    libdir = os.path.dirname(os.path.abspath(args.library))
    env = dict(os.environ)

    if args.lang == 'c':
        source = os.path.join(args.workdir, 'readme-example.c')
        program = os.path.join(args.workdir, 'readme-example')
        with open(source, 'w', encoding='utf-8') as f:
            f.write(code)
        flags = subprocess.run(['pkg-config', '--cflags', '--libs', 'gio-2.0', 'gobject-2.0', 'glib-2.0'],
                               check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout.split()
        cmd = shlex.split(args.cc) + [
            '-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror', '-g',
            '-I' + args.srcdir, '-I' + os.path.join(args.builddir, 'gchanstream'),
            source, '-o', program, args.library, '-Wl,-rpath,' + libdir, '-pthread'] + flags
        if args.sanitize not in ('', 'none'):
            cmd.insert(len(shlex.split(args.cc)), '-fsanitize=' + args.sanitize)
        built = run(cmd)
        sys.stdout.write(built.stdout)
        sys.stderr.write(built.stderr)
        if built.returncode != 0:
            sys.exit('the C example of README.md does not compile')
        result = run([program], env)
    else:
        if not args.typelib:
            sys.exit('--typelib is needed for the Python example')
        source = os.path.join(args.workdir, 'readme-example.py')
        with open(source, 'w', encoding='utf-8') as f:
            f.write(code)
        env['GI_TYPELIB_PATH'] = os.pathsep.join(
            [os.path.dirname(os.path.abspath(args.typelib))] +
            ([env['GI_TYPELIB_PATH']] if env.get('GI_TYPELIB_PATH') else []))
        env['LD_LIBRARY_PATH'] = os.pathsep.join(
            [libdir] + ([env['LD_LIBRARY_PATH']] if env.get('LD_LIBRARY_PATH') else []))
        env['PYTHONPATH'] = os.pathsep.join(
            [os.path.join(args.srcdir, 'introspection', 'python')] +
            ([env['PYTHONPATH']] if env.get('PYTHONPATH') else []))
        result = run([sys.executable, source], env)

    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit('the %s example of README.md exited with %d' % (args.lang, result.returncode))
    if result.stdout != expected:
        sys.exit('the %s example of README.md printed\n%s\ninstead of the documented\n%s'
                 % (args.lang, result.stdout, expected))
    print('ok: the %s example printed what README.md shows' % args.lang)


if __name__ == '__main__':
    main()
