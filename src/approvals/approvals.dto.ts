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
import type { ApprovalStatus } from './approval.js';

export class CreateApprovalDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(4_000)
  description?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  approverIds!: string[];
}

export class DecisionDto {
  @IsOptional()
  @IsString()
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
