#!/usr/bin/env node
// The npm registry reachable here lacks some platform-specific optional packages
// (macOS/Windows/other-arch builds of @swc/core and unrs-resolver). `npm install` then
// leaves them out of package-lock.json and `npm ci` refuses the lock as out of sync.
// This adds lock entries for them, marked optional with their os/cpu, so npm ci skips
// them on this platform as it would with a lock made elsewhere.
// Usage: node .ci/lock-add-foreign-platforms.js  (after npm install, before committing the lock)
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const OS = ['darwin', 'win32', 'android', 'freebsd', 'openharmony', 'linux', 'sunos', 'aix'];
const CPU = [
  ['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['arm-', 'arm'], ['arm', 'arm'],
  ['ppc64', 'ppc64'], ['s390x', 's390x'], ['loong64', 'loong64'], ['riscv64', 'riscv64'],
];

let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `node_modules/${dep}`;
    if (lock.packages[where] || lock.packages[`${key}/${where}`]) continue;
    const platform = dep.split('/').pop();
    const os = OS.find((o) => platform.includes(`-${o}`));
    const cpu = CPU.find(([needle]) => platform.includes(`-${needle}`));
    if (!os || !cpu) continue;
    lock.packages[where] = { version, cpu: [cpu[1]], dev: entry.dev || undefined, license: entry.license, optional: true, os: [os] };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} foreign-platform optional entries`);
