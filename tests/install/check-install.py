#!/usr/bin/python3
# check-install.py: do what README.md's "Install and use" section says,
# against a copy installed into a temporary prefix and nothing else.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The section marks its blocks with <!-- install:NAME --> ... <!-- /install:NAME -->:
#   build   the install commands; run from the source tree, with `_build`
#           replaced by a temporary build directory and, to save time,
#           -Dtests=false -Ddemos=false -Dgtk_demos=disabled added (the
#           only differences from the text)
#   env     the environment a non-system prefix needs
#   FILE    a sample (hello.c, ...), written into an empty work directory
#   run     the commands that build and run the samples, run there
#   output  what they print, compared exactly
# Every command runs in bash with PREFIX set, `set -euo pipefail`, and an
# environment cleaned of the build tree's variables (GI_TYPELIB_PATH,
# LD_LIBRARY_PATH, PYTHONPATH, PKG_CONFIG_PATH, XDG_DATA_DIRS). Also
# checked: the Python override and the GJS module that were loaded are
# the installed ones.

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

BLOCK = re.compile(r'<!--\s*install:([\w.]+)\s*-->\s*```[\w]*\n(.*?)```\s*<!--\s*/install:\1\s*-->', re.S)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--srcdir', required=True)
    parser.add_argument('--keep', action='store_true', help='keep the temporary directory')
    args = parser.parse_args()

    with open(os.path.join(args.srcdir, 'README.md'), encoding='utf-8') as f:
        blocks = dict(BLOCK.findall(f.read()))
    for name in ('build', 'env', 'run', 'output'):
        if name not in blocks:
            sys.exit('README.md has no install:%s block' % name)

    top = tempfile.mkdtemp(prefix='gcs-install-')
    prefix = os.path.join(top, 'prefix')
    work = os.path.join(top, 'work')
    os.makedirs(work)
    env = {k: v for k, v in os.environ.items()
           if k not in ('GI_TYPELIB_PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH',
                        'PKG_CONFIG_PATH', 'XDG_DATA_DIRS', 'MESON_BUILD_ROOT')}
    env['PREFIX'] = prefix
    env['PYTHONDONTWRITEBYTECODE'] = '1'

    def bash(script, cwd):
        print('$ ' + script.strip().replace('\n', '\n$ '), flush=True)
        r = subprocess.run(['bash', '-c', 'set -euo pipefail\n' + script], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(r.stdout, end='')
        if r.returncode != 0:
            sys.exit('failed with exit status %d' % r.returncode)
        return r.stdout

    try:
        build = blocks['build'].replace(
            'meson setup _build',
            'meson setup %s -Dtests=false -Ddemos=false -Dgtk_demos=disabled'
            % os.path.join(top, 'build')).replace('-C _build', '-C ' + os.path.join(top, 'build'))
        bash(build + ' >/dev/null', args.srcdir)

        for name, text in blocks.items():
            if '.' in name:
                with open(os.path.join(work, name), 'w', encoding='utf-8') as f:
                    f.write(text)
        setup = blocks['env']
        out = bash(setup + blocks['run'], work)
        # The compilers' chatter aside (valac's warnings), the samples'
        # lines must be what the README shows.
        expected = blocks['output'].splitlines()
        got = [line for line in out.splitlines() if re.match(r'^(C|Python|GJS|Vala): ', line)]
        if got != expected:
            sys.exit('the samples printed\n%s\ninstead of\n%s' % ('\n'.join(got), '\n'.join(expected)))

        # What was loaded is the installed copy, not a build tree's.
        where = bash(setup + '''
/usr/bin/python3 -c 'import gi; gi.require_version("Gcs", "1.0"); from gi.repository import Gcs; import gi.overrides.Gcs as o; print("override", o.__file__); print("typelib", gi.Repository.get_default().get_typelib_path("Gcs"))'
pkg-config --variable=libdir gchanstream-1.0 | sed 's/^/libdir /'
''', work)
        for line in where.splitlines():
            if line.split(' ')[0] in ('override', 'typelib', 'libdir') and \
                    not line.split(' ', 1)[1].startswith(prefix + '/'):
                sys.exit('not from the installed copy: ' + line)
        for binary in ('hello-c', 'hello-vala'):
            ldd = bash(setup + 'ldd ./%s | grep gchanstream' % binary, work)
            if prefix + '/' not in ldd:
                sys.exit('%s is not linked with the installed library' % binary)
        print('# installed into %s and used from C, Python, GJS and Vala' % prefix)
    finally:
        if not args.keep:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == '__main__':
    main()
