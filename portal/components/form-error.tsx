// The form-level error line (a proxy message that belongs to no single field).
import { Alert } from "@/components/ui/alert";

export function FormError({ message, className }: { message?: string; className?: string }) {
  if (!message) return null;
  return (
    <Alert variant="destructive" className={className}>
      {message}
    </Alert>
  );
}
