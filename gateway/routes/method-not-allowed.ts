import type { RequestHandler } from 'express';
import { FaasError } from '../contract/errors.ts';

/** A known /system path called with a method it does not serve. */
export const methodNotAllowed: RequestHandler = (req, _res, next) => {
  next(new FaasError('METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed on ${req.path}`));
};
