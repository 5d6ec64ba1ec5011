import { Link } from "@/components/ui/link";
import { paths } from "@/lib/paths";

export default function ForbiddenPage() {
  return (
    <div className="mx-auto max-w-xl py-12 text-center">
      <h1 className="text-xl font-semibold">You do not have access to that page</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Your roles do not include the permission it needs. Ask an incident commander if you need it.</p>
      <Link href={paths.home()} className="mt-4 inline-block text-indigo-700 hover:underline dark:text-indigo-300">
        Back to the start page
      </Link>
    </div>
  );
}
