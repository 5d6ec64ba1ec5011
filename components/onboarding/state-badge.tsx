import { STATE_LABELS, STATE_TONES, type OnboardingState } from "@/lib/onboarding/progress";
import { Badge } from "../ui/badge";

export function OnboardingStateBadge({ state }: { state: OnboardingState }) {
  return (
    <Badge tone={STATE_TONES[state]}>
      <span data-testid="onboarding-state" data-state={state}>
        {STATE_LABELS[state]}
      </span>
    </Badge>
  );
}
