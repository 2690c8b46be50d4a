// check.mjs reads a Parquet file written by `pipeline preprocess` with
// DuckDB (the npm package @duckdb/node-api), a reader independent of the
// Go code that wrote it. It prints the row count, the DuckDB schema, the
// Parquet column types, the rows whose shape disagrees with the number of
// values, and the first rows.
//
//	cd tools/duckdb && npm install
//	node tools/duckdb/check.mjs FILE.parquet [--rows N] [--json]
//
// --json prints one JSON object instead of text, for tests.
import { DuckDBInstance } from '@duckdb/node-api';

function parseArgs(argv) {
  const options = { file: null, rows: 3, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') {
      options.json = true;
    } else if (argv[i] === '--rows') {
      options.rows = Number.parseInt(argv[++i], 10);
    } else if (options.file === null) {
      options.file = argv[i];
    } else {
      throw new Error(`unexpected argument ${argv[i]}`);
    }
  }
  if (options.file === null || !(options.rows >= 0)) {
    throw new Error('usage: node check.mjs FILE.parquet [--rows N] [--json]');
  }
  return options;
}

async function check(connection, file, rows) {
  // The path goes into the SQL text as a string literal, quotes doubled.
  const source = `'${file.replaceAll("'", "''")}'`;
  const query = async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson();

  const [{ rows: rowCount }] = await query(
    `SELECT count(*)::INTEGER AS rows FROM read_parquet(${source})`);
  const schema = await query(
    `SELECT column_name AS name, column_type AS type
     FROM (DESCRIBE SELECT * FROM read_parquet(${source}))`);
  const parquetTypes = await query(
    `SELECT name, type, repetition_type, converted_type, logical_type
     FROM parquet_schema(${source})`);
  const [{ mismatches }] = await query(
    `SELECT count(*)::INTEGER AS mismatches FROM read_parquet(${source})
     WHERE shape[1] * shape[2] <> len("values")`);
  const sample = await query(
    `SELECT source, label, speaker, sample_rate, duration_ms, feature, preset,
            n_fft, hop_length, n_mels, n_mfcc, shape,
            len("values")::INTEGER AS value_count, "values"[1:4] AS first_values, notes
     FROM read_parquet(${source}) ORDER BY source LIMIT ${rows}`);
  return { file, rows: rowCount, schema, parquetTypes, shapeMismatches: mismatches, sample };
}

function printText(result) {
  console.log(`${result.file}: ${result.rows} rows`);
  console.log('\nschema (DuckDB types):');
  for (const { name, type } of result.schema) {
    console.log(`  ${name.padEnd(12)} ${type}`);
  }
  const int96 = result.parquetTypes.filter((column) => column.type === 'INT96');
  console.log(`\nINT96 columns: ${int96.length}`);
  console.log(`rows whose shape[1]·shape[2] differs from len(values): ${result.shapeMismatches}`);
  console.log(`\nfirst ${result.sample.length} rows by source:`);
  for (const row of result.sample) {
    console.log(`  ${JSON.stringify(row)}`);
  }
}

const options = parseArgs(process.argv.slice(2));
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  const result = await check(connection, options.file, options.rows);
  if (options.json) {
    console.log(JSON.stringify(result));
  } else {
    printText(result);
  }
} finally {
  connection.closeSync();
  instance.closeSync();
}
