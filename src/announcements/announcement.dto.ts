import { IsString, MaxLength, MinLength } from 'class-validator';

export class AnnouncementDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @IsString()
  @MaxLength(2_000)
  body!: string;
}
