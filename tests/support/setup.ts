import { afterAll } from "vitest";
import { dropTestDb } from "./db";

// Runs in every test file: the file's own database (if it asked for one) is dropped when the file ends.
afterAll(dropTestDb);
