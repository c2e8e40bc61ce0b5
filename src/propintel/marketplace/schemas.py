"""The JSON shapes of the marketplace's jobs (``/api/v1/jobs``, ``/api/v1/marketplace/jobs``)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, Field

from propintel.kit.clock import NewYorkDatetime
from propintel.marketplace.bids import ContractorJob
from propintel.marketplace.bids_repository import BidRow, ComparedBid
from propintel.marketplace.jobs import ContractorView, JobDraft, JobRow

_CHOICES = "A slug of the form's list (GET the page for the labels)."


class JobIn(BaseModel):
    title: str = Field(max_length=500)
    description: str = Field(max_length=10_000)
    category: str = Field(description="A service category slug (profiles' shared list).")
    budget: str = Field(default="unsure", description=_CHOICES)
    timeline: str = Field(default="flexible", description=_CHOICES)
    address: str = Field(max_length=500, description="The street address of the work.")
    zip_code: str = Field(max_length=10)

    def draft(self) -> JobDraft:
        return JobDraft(
            self.title, self.description, self.category, self.budget, self.timeline,
            self.address, self.zip_code,
        )  # fmt: skip


class JobPatch(BaseModel):
    title: str = Field(max_length=500)
    description: str = Field(max_length=10_000)
    budget: str
    timeline: str


class JobOut(BaseModel):
    job_id: uuid.UUID
    title: str
    description: str
    category: str | None
    budget: str | None
    timeline: str | None
    address: str | None
    zip_code: str | None
    status: str
    property_id: uuid.UUID | None = Field(description="The property the address matched, if any.")
    offered_to: int = Field(description="How many contractors the job was offered to.")
    created_at: NewYorkDatetime
    updated_at: NewYorkDatetime

    @classmethod
    def of(cls, job: JobRow, offered_to: int) -> JobOut:
        return cls(
            job_id=job.job_id, title=job.title, description=job.description,
            category=job.category, budget=job.budget, timeline=job.timeline,
            address=job.address, zip_code=job.zip_code, status=job.status,
            property_id=job.property_id, offered_to=offered_to,
            created_at=job.created_at, updated_at=job.updated_at,
        )  # fmt: skip


class OfferOut(BaseModel):
    """A job offered to the caller: no homeowner name, phone or street address."""

    job_id: uuid.UUID
    title: str
    description: str
    category: str | None
    budget: str | None
    timeline: str | None
    zip_code: str | None
    status: str
    posted_at: NewYorkDatetime
    offered_at: NewYorkDatetime | None

    @classmethod
    def of(cls, view: ContractorView) -> OfferOut:
        return cls(
            job_id=view.job_id, title=view.title, description=view.description,
            category=view.category, budget=view.budget, timeline=view.timeline,
            zip_code=view.zip_code, status=view.status, posted_at=view.posted_at,
            offered_at=view.offered_at,
        )  # fmt: skip


class BidIn(BaseModel):
    amount: str = Field(max_length=30, description='Dollars, e.g. "1250" or "1,250.00".')
    message: str = Field(default="", max_length=4_000)
    timeline: str = Field(default="this_week", description=_CHOICES)


class BidOut(BaseModel):
    bid_id: uuid.UUID
    job_id: uuid.UUID
    amount: Decimal
    message: str | None
    timeline: str | None
    status: str = Field(description="pending, accepted, rejected or withdrawn.")
    created_at: NewYorkDatetime
    refunded_at: NewYorkDatetime | None
    refund_reason: str | None = Field(description="job_cancelled or bids_not_viewed.")

    @classmethod
    def of(cls, bid: BidRow) -> BidOut:
        return cls(
            bid_id=bid.bid_id, job_id=bid.job_id, amount=bid.amount, message=bid.message,
            timeline=bid.timeline, status=bid.status, created_at=bid.created_at,
            refunded_at=bid.refunded_at, refund_reason=bid.refund_reason,
        )  # fmt: skip


class ComparedBidOut(BidOut):
    """A bid as its homeowner compares it."""

    business_name: str | None
    verified: bool
    year_established: int | None
    rating: float | None = Field(description="Average of the contractor's visible reviews.")
    reviews: int

    @classmethod
    def compared(cls, item: ComparedBid) -> ComparedBidOut:
        return cls(
            **BidOut.of(item.bid).model_dump(), business_name=item.business_name,
            verified=item.verified, year_established=item.year_established,
            rating=item.rating, reviews=item.reviews,
        )  # fmt: skip


class ContactOut(BaseModel):
    name: str | None
    phone: str | None
    email: str
    address: str | None


class OfferDetailOut(OfferOut):
    my_bid: BidOut | None
    homeowner: ContactOut | None = Field(description="Only once your bid is accepted.")

    @classmethod
    def detail(cls, found: ContractorJob) -> OfferDetailOut:
        contact = found.contact
        return cls(
            **OfferOut.of(found.job).model_dump(),
            my_bid=BidOut.of(found.bid) if found.bid else None,
            homeowner=ContactOut(**contact.__dict__) if contact else None,
        )
