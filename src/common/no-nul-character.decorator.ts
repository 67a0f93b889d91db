import {
  buildMessage,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

/**
 * Refuses strings containing U+0000. PostgreSQL `text` cannot hold it: the
 * query would fail with an internal error (a 500 and a logged stack trace)
 * instead of the 400 the input deserves. Put it on every string a request
 * brings that is stored or looked up.
 * @example `@IsString() @NoNulCharacter() title!: string;`
 */
export function NoNulCharacter(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noNulCharacter',
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !value.includes('\u0000'),
        defaultMessage: buildMessage(
          (each) => `${each}$property must not contain the NUL character`,
          options,
        ),
      },
    },
    options,
  );
}
