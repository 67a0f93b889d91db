import { IsString, MaxLength, MinLength } from 'class-validator';
import { NoNulCharacter } from '../common/no-nul-character.decorator.js';

export class AnnouncementDto {
  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @IsString()
  @NoNulCharacter()
  @MaxLength(2_000)
  body!: string;
}
