"""The course model: manifests, the course on disk, results and scores, the learner's progress.

``checker.course`` itself finds the course and its exercises (``course.find_root()``,
``course.exercises(root)``); the model's parts are its modules.
"""

from __future__ import annotations

from checker.course.folders import CourseNotFound, changed_files, exercises, find_root, lesson_path

__all__ = ["CourseNotFound", "changed_files", "exercises", "find_root", "lesson_path"]
