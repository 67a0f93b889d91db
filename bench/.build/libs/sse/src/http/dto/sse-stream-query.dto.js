var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
import { Transform } from 'class-transformer';
import { IsArray, IsOptional, IsString, Matches } from 'class-validator';
import { SSE_TOPIC_PATTERN } from '../../broker/sse-validation.util.js';
export class SseStreamQueryDto {
    topics;
    lastEventId;
}
__decorate([
    IsOptional(),
    Transform(({ value }) => splitTopics(value)),
    IsArray({ message: 'topics must be a comma-separated list' }),
    Matches(SSE_TOPIC_PATTERN, {
        each: true,
        message: 'each topic must be 1-128 characters of letters, digits and "_ . : - /" (no empty entries)',
    }),
    __metadata("design:type", Array)
], SseStreamQueryDto.prototype, "topics", void 0);
__decorate([
    IsOptional(),
    IsString({ message: 'lastEventId must be a single value' }),
    __metadata("design:type", String)
], SseStreamQueryDto.prototype, "lastEventId", void 0);
function splitTopics(value) {
    if (value === undefined || value === '')
        return undefined;
    const parts = Array.isArray(value) ? value : [value];
    if (!parts.every((p) => typeof p === 'string'))
        return value;
    return parts
        .join(',')
        .split(',')
        .map((t) => t.trim());
}
