import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { NoNulCharacter } from '../common/no-nul-character.decorator.js';
import type { ApprovalStatus } from './approval.js';

export class CreateApprovalDto {
  @IsString()
  @NoNulCharacter()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @IsOptional()
  @IsString()
  @NoNulCharacter()
  @MaxLength(4_000)
  description?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @NoNulCharacter({ each: true })
  approverIds!: string[];
}

export class DecisionDto {
  @IsOptional()
  @IsString()
  @NoNulCharacter()
  @MaxLength(2_000)
  comment?: string;
}

export class ListApprovalsQuery {
  @IsOptional()
  @IsIn(['requester', 'approver'])
  role?: 'requester' | 'approver';

  @IsOptional()
  @IsIn(['pending', 'approved', 'rejected'])
  status?: ApprovalStatus;
}
