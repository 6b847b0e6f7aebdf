// Imported first by the compute-hashes bundle: its hashing workers boot while the rest of the
// bundle loads and the inputs are read, instead of after.
import { startHashWorkers } from "./hashing.js";

startHashWorkers();
