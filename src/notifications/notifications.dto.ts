import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NoNulCharacter } from '../common/no-nul-character.decorator.js';
import { RECORD_ID_PATTERN } from '../common/record-id.js';
import type { Priority } from './notification.js';

export class CreateNotificationDto {
  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(64)
  recipientId!: string;

  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @IsString()
  @NoNulCharacter()
  @MaxLength(2_000)
  body!: string;

  @IsOptional()
  @IsIn(['normal', 'high', 'urgent'])
  priority?: Priority;
}

export class ListNotificationsQuery {
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  unread?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @Matches(RECORD_ID_PATTERN, { message: 'cursor must be a notification id' })
  cursor?: string;
}
