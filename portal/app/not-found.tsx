// Not found outside the signed-in frame.
import { NotFoundMessage } from "@/components/not-found-message";

export default function NotFound() {
  return <NotFoundMessage />;
}
