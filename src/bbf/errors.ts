import { CpesimError } from '../errors.js';

/** A BBF data-model XML file is unreadable or not what the reader expects (dangling dataType ref, no model, ...). */
export class BbfDataModelError extends CpesimError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('CPESIM_BBF', `${file}: ${message}`, options);
    this.file = file;
  }
}
