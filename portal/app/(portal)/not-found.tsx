// Not found inside the signed-in frame (the proxy answers 404 for other tenants too).
import { NotFoundMessage } from "@/components/not-found-message";

export default function NotFound() {
  return <NotFoundMessage />;
}
