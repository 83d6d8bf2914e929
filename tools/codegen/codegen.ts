import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for the example operations, generated from the API contract the way a
// client would. Codegen refuses an operation that does not validate against
// schema.graphql, and strictScalars refuses a custom scalar without a mapping here,
// so a new scalar in the schema is a decision, not a silent `any`.
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['../../examples/operations/*.graphql'],
  generates: {
    './generated/': {
      preset: 'client',
      presetConfig: {
        // persisted-documents.json maps each operation's SHA-256 hash to its text:
        // the list a server can trust instead of arbitrary queries.
        persistedDocuments: { hashAlgorithm: 'sha256' },
        // Not a React hook here: the name says what it does for any client.
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        strictScalars: true,
        scalars: {
          // Opaque global ids: strings, never numbers.
          ID: 'string',
          // `YYYY-MM-DD`.
          Date: 'string',
          // RFC 3339 with its offset, e.g. `2026-12-07T09:30:00.123456+00:00`.
          DateTime: 'string',
          // An event's payload: any JSON, to be narrowed by its kind.
          JSON: 'unknown',
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
