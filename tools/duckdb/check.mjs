// check.mjs reads a Parquet file written by `pipeline preprocess` with
// DuckDB (the npm package @duckdb/node-api), a reader independent of the
// Go code that wrote it. It prints the row count, the DuckDB schema, the
// Parquet column types, the rows whose shape disagrees with the number of
// values, and the first rows. For keypoint files (footer key
// pipeline.schema keypoints/…) the mismatches are the rows whose landmark
// count is not 21 for a hand or 33 for a pose.
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
  const footer = await query(
    `SELECT decode(value) AS value FROM parquet_kv_metadata(${source})
     WHERE decode(key) = 'pipeline.schema'`);
  const keypoints = footer.length > 0 && footer[0].value.startsWith('keypoints/');
  const [{ mismatches }] = await query(keypoints ? keypointMismatches(source)
    : `SELECT count(*)::INTEGER AS mismatches FROM read_parquet(${source})
       WHERE shape[1] * shape[2] <> len("values")`);
  const sample = await query(keypoints ? keypointSample(source, rows)
    : `SELECT source, label, speaker, sample_rate, duration_ms, feature, preset,
              n_fft, hop_length, n_mels, n_mfcc, shape,
              len("values")::INTEGER AS value_count, "values"[1:4] AS first_values, notes
       FROM read_parquet(${source}) ORDER BY source LIMIT ${rows}`);
  return { file, rows: rowCount, schema, parquetTypes, shapeMismatches: mismatches, sample };
}

function keypointMismatches(source) {
  return `SELECT count(*)::INTEGER AS mismatches FROM read_parquet(${source})
          WHERE len(landmarks) <> CASE kind WHEN 'hand' THEN 21 ELSE 33 END
             OR len(world_landmarks) <> len(landmarks)`;
}

function keypointSample(source, rows) {
  return `SELECT source, frame_index, timestamp_ms, kind, "index", handedness,
                 person_handedness, detection_score, presence, width, height, label,
                 len(landmarks)::INTEGER AS landmark_count, landmarks[1] AS first_landmark,
                 notes
          FROM read_parquet(${source}) ORDER BY source, frame_index, "index" LIMIT ${rows}`;
}

function printText(result) {
  console.log(`${result.file}: ${result.rows} rows`);
  console.log('\nschema (DuckDB types):');
  for (const { name, type } of result.schema) {
    console.log(`  ${name.padEnd(12)} ${type}`);
  }
  const int96 = result.parquetTypes.filter((column) => column.type === 'INT96');
  console.log(`\nINT96 columns: ${int96.length}`);
  console.log(`rows whose shape or landmark count is wrong: ${result.shapeMismatches}`);
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
