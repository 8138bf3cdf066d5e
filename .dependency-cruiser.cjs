/**
 * The module boundaries, checked by `npm run lint` (test/module-boundaries.e2e-spec.ts shows
 * each rule catches a violation):
 *  - a module uses another only through its public face, `src/modules/<name>/index.ts`, and
 *    so does everything outside the modules;
 *  - modules and common/ run SQL through database/ (Db), never importing the driver or the ORM;
 *  - shared plumbing (common/, database/, config/) never imports a module, and database/
 *    nothing of common/;
 *  - nothing under src/ but the entry points imports the composition root.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      comment: "Another module's files are its own: import its index.ts (its public face) instead.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'faces-from-outside',
      comment: "Outside the modules (the composition root, plumbing, loose files) a module is its index.ts too.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/[^/]+/' },
      to: { path: '^src/modules/[^/]+/.+', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'sql-through-db',
      comment: 'Modules and plumbing run SQL through database/db.ts (Db), never the driver or the ORM.',
      severity: 'error',
      from: { path: '^src/(modules|common)/' },
      to: { path: '(^|/)node_modules/(typeorm|pg|pg-pool|@nestjs/typeorm)/' },
    },
    {
      name: 'plumbing-above-modules',
      comment: 'common/, database/ and config/ serve every module and know none of them.',
      severity: 'error',
      from: { path: '^src/(common|database|config)/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'database-below-common',
      comment: 'database/ runs SQL for everyone above it and needs nothing of theirs.',
      severity: 'error',
      from: { path: '^src/database/' },
      to: { path: '^src/common/' },
    },
    {
      name: 'composition-root',
      comment: 'Only the entry points assemble the application.',
      severity: 'error',
      from: { path: '^src/(common|database|config|modules)/' },
      to: { path: '^src/(app\\.module|worker\\.module|bootstrap|main|worker)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
