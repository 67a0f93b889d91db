import { IsString, MaxLength, MinLength } from 'class-validator';
import { NoNulCharacter } from '../common/no-nul-character.decorator.js';

export class LoginDto {
  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}
