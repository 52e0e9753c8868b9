import { InputError } from '../errors.ts';

/** Numeric flag values, checked, with one-line errors that name the flag. */
export function positiveInts(flag: string, text: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value <= 0)) {
    throw new InputError(`${flag} takes positive integers separated by commas, got '${text}'`);
  }
  return values;
}

export function positiveInt(flag: string, text: string): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value <= 0) throw new InputError(`${flag} takes one positive integer, got '${text}'`);
  return value;
}

export function nonNegativeInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InputError(`${flag} takes a non-negative integer, got '${text}'`);
  return value;
}

export function finiteNumber(flag: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) throw new InputError(`${flag} takes a number, got '${text}'`);
  return value;
}
