export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface ApprovalAction {
  actorId: string;
  action: 'approve' | 'reject';
  comment: string | null;
  createdAt: string;
}

/** An approval request, as the API and its events carry it. */
export interface Approval {
  id: string;
  requesterId: string;
  title: string;
  description: string | null;
  status: ApprovalStatus;
  /** Index in `approverIds` of the approver whose decision is awaited. */
  step: number;
  approverIds: string[];
  /** Who must decide now; null once decided. */
  currentApproverId: string | null;
  createdAt: string;
  updatedAt: string;
  actions?: ApprovalAction[];
}
