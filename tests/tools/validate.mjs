// Validates JSON documents against a JSON Schema (draft-04, -06 or -07) with ajv, the way the .NET tests need it:
//   node validate.mjs <schema.json> <document.json>...
// Prints one JSON line per document ({ file, valid, errors }) and exits 1 if any is invalid.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const [schemaPath, ...documents] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const draft04 = String(schema.$schema ?? '').includes('draft-04');
if (!draft04 && typeof schema.id === 'string' && schema.$id === undefined) {
  // The Adaptive Card schema declares draft-06 but names itself with draft-04's "id"; in draft-06 that is "$id".
  schema.$id = schema.id;
  delete schema.id;
}

// Not strict: the official schemas carry their own annotations ("version", "features") beside the keywords.
const ajv = draft04 ? new AjvDraft04({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
if (!draft04) {
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
}
addFormats(ajv);
const validate = ajv.compile(schema);

let failed = false;
for (const file of documents) {
  const valid = validate(JSON.parse(readFileSync(file, 'utf8')));
  failed ||= !valid;
  console.log(JSON.stringify({ file, valid, errors: valid ? [] : validate.errors.map(e => `${e.instancePath || '/'} ${e.message}`) }));
}

process.exit(failed ? 1 : 0);
