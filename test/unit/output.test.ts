/**
 * `--output` and `collect -o` write as root into directories other users can write to (the textfile collector's, owned
 * by prometheus): planted links must not turn that into a write anywhere else. Run for real, as root, in a private
 * mount namespace on a tmpfs, with the built binary (`npm run build` first). A stand-in plays /etc/shadow.
 */
import {fileURLToPath} from 'node:url'

import {execa} from 'execa'
import {describe, expect, it} from 'vitest'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const HEALTHY = fileURLToPath(new URL('../../fixtures/snapshots/healthy.json', import.meta.url))
const NOBODY = 65_534

/**
 * Prepares, on a fresh tmpfs `$ROOT`, a directory `$ROOT/textfile` owned by nobody and a stand-in `$ROOT/shadow`; runs
 * `plant` (sh, as root) in a shell that then execs the doctor writing `$ROOT/textfile/macvlan.prom`: `exec` keeps the
 * shell's pid, so `plant` knows it as `$$`. `check` runs after, in the same namespace.
 */
async function writeInto(plant: string, check: string) {
  const script = `
set -e
ROOT=$(mktemp -d)
export ROOT
mount -t tmpfs tmpfs "$ROOT"
cd "$ROOT"
printf 'root:SECRET:19000:0:99999:7:::\\n' > shadow
chmod 640 shadow
mkdir textfile
chown ${NOBODY}:${NOBODY} textfile
set +e
sh -c 'cd "$ROOT" && eval "$PLANT" && exec "$@"' planter "$0" "$1" doctor --from "$2" --format prometheus --output "$ROOT/textfile/macvlan.prom" 2> stderr
echo "exit=$?"
echo "stderr=$(cat stderr)"
${check}
echo end
`
  const env = {NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock', PLANT: plant}
  return execa('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, process.execPath, BIN, HEALTHY], {reject: false, all: true, env})
}

describe('writing --output as root into a directory another user can write', () => {
  it('does not follow a link planted at the temporary name: the stand-in for /etc/shadow is untouched', async () => {
    // The old writer's temporary name was `.<name>.<pid>.tmp`: an attacker plants links for the pids to come.
    const plant = `ln -s "$ROOT/shadow" "textfile/.macvlan.prom.$$.tmp" && chown -h ${NOBODY}:${NOBODY} textfile/.macvlan.prom.$$.tmp`
    const result = await writeInto(plant, 'echo "shadow=$(cat shadow)"; echo "report=$(head -c 40 textfile/macvlan.prom)"; stat -c "mode=%a" textfile/macvlan.prom')
    expect(result.all).toContain('shadow=root:SECRET:19000:0:99999:7:::\n')
    expect(result.all).toContain('exit=0\n')
    expect(result.all).toContain('report=# HELP')
    expect(result.all).toContain('mode=644\n')
  })

  it('refuses to replace a final path that is a link owned by someone else, in one line with exit 3', async () => {
    const plant = `ln -s "$ROOT/shadow" textfile/macvlan.prom; chown -h ${NOBODY}:${NOBODY} textfile/macvlan.prom`
    const result = await writeInto(plant, 'echo "shadow=$(cat shadow)"; echo "link=$(readlink textfile/macvlan.prom)"; echo "left=$(ls -A textfile | grep -c tmp)"')
    expect(result.all).toContain('shadow=root:SECRET:19000:0:99999:7:::\n')
    expect(result.all).toContain('exit=3\n')
    expect(result.all).toMatch(/stderr=macvlan: cannot write \/tmp\/[^ ]+\/textfile\/macvlan\.prom: it is a symbolic link owned by uid 65534, not by this user — Remove the link, or write to a path you own\.\n/)
    expect(result.all).toMatch(/link=\/tmp\/[^ ]+\/shadow\n/)
    expect(result.all).toContain('left=0\n')
  })

  it('keeps the mode of a file it replaces, and leaves no temporary file behind', async () => {
    const plant = `printf old > textfile/macvlan.prom; chmod 600 textfile/macvlan.prom`
    const result = await writeInto(plant, 'stat -c "mode=%a" textfile/macvlan.prom; echo "files=$(ls -A textfile)"')
    expect(result.all).toContain('exit=0\n')
    expect(result.all).toContain('mode=600\n')
    expect(result.all).toContain('files=macvlan.prom\n')
  })
})
